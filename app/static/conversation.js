// The conversation's behaviour; gradio runs this once as the js_on_load of its gr.HTML, with
// `element` the component and `watch` a hook called after each re-render. Show the chosen
// source of an answer, switch between the crop and the whole page, send feedback. gradio
// re-renders the turns from the server's HTML on every answer, so what each turn shows (its
// source, the whole page, the feedback given) is kept here by turn id and restored.
const views = new Map();

function viewOf(turn) {
  if (!views.has(turn.id)) views.set(turn.id, {source: "1", full: new Set(), note: null});
  return views.get(turn.id);
}

function markSource(turn, n) {
  turn.querySelectorAll(".rq-source").forEach((panel) => {
    panel.hidden = panel.dataset.n !== n;
  });
  turn.querySelectorAll(".rq-sources [data-source]").forEach((link) => {
    link.setAttribute("aria-current", link.getAttribute("data-source") === n);
  });
}

function showSource(turn, n, focus) {
  viewOf(turn).source = n;
  markSource(turn, n);
  const panel = turn.querySelector(`.rq-source[data-n="${n}"]`);
  if (!panel) return;
  if (focus) panel.querySelector(".rq-source-title").focus({preventScroll: true});
  const rect = panel.getBoundingClientRect();
  if (rect.top < 0 || rect.top > window.innerHeight) panel.scrollIntoView({block: "start"});
}

function showPage(panel, full) {
  const img = panel.querySelector(".rq-crop img");
  const button = panel.querySelector(".rq-fullpage");
  if (!img || !button) return;
  img.src = full ? img.dataset.full : img.dataset.crop;
  button.setAttribute("aria-pressed", full);
  button.textContent = full ? "返回局部" : "查看整页";
}

function showNote(feedback, note, done) {
  feedback.querySelector(".rq-feedback-note").textContent = note;
  feedback.querySelectorAll("button").forEach((b) => { b.disabled = done; });
}

async function flag(button) {
  const feedback = button.closest(".rq-feedback");
  const turn = button.closest(".rq-turn");
  const question = turn.querySelector(".rq-question").textContent.replace(/^问：/, "");
  const logId = feedback.dataset.log ? Number(feedback.dataset.log) : null;
  showNote(feedback, "", true);
  try {
    const response = await fetch("/api/feedback", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({reason: button.dataset.feedback, log_id: logId, question}),
    });
    const data = await response.json();
    if (response.ok) viewOf(turn).note = data.message;
    showNote(feedback, data.message || data.error, response.ok);
  } catch (err) {
    showNote(feedback, "无法连接服务器，请稍后再试。", false);
  }
}

element.addEventListener("click", (event) => {
  const source = event.target.closest("[data-source]");
  if (source) {
    event.preventDefault();
    // a click with the keyboard (Enter) has no pointer position: move the focus to the source
    showSource(source.closest(".rq-turn"), source.getAttribute("data-source"), event.detail === 0);
    return;
  }
  const button = event.target.closest("button");
  if (!button) return;
  if (button.dataset.feedback) {
    flag(button);
  } else if (button.classList.contains("rq-fullpage")) {
    const panel = button.closest(".rq-source");
    const full = viewOf(button.closest(".rq-turn")).full;
    if (full.has(panel.dataset.n)) full.delete(panel.dataset.n);
    else full.add(panel.dataset.n);
    showPage(panel, full.has(panel.dataset.n));
  }
});

watch("value", () => {
  element.querySelectorAll(".rq-turn").forEach((turn) => {
    const view = views.get(turn.id);
    if (!view) return;
    markSource(turn, view.source);
    turn.querySelectorAll(".rq-source").forEach((panel) => {
      showPage(panel, view.full.has(panel.dataset.n));
    });
    const feedback = turn.querySelector(".rq-feedback");
    if (feedback && view.note) showNote(feedback, view.note, true);
  });
});
