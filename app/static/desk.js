// The inquiry page: ask, show answers newest first, switch sources, flag answers, upload.
// Every piece of text from the server arrives as escaped HTML or is set with textContent.
"use strict";

const form = document.getElementById("rq-form");
const box = document.getElementById("rq-q");
const askButton = document.getElementById("rq-ask");
const chat = document.getElementById("rq-chat");
const examples = document.getElementById("rq-examples");
const picker = document.getElementById("rq-report");

function errorTurn(question, message) {
  const turn = document.createElement("article");
  turn.className = "rq-turn";
  const q = document.createElement("p");
  q.className = "rq-question";
  q.textContent = "问：" + question;
  const card = document.createElement("div");
  card.className = "rq-card rq-error";
  card.setAttribute("role", "alert");
  card.textContent = "⚠️ " + message;
  turn.append(q, card);
  return turn;
}

async function ask(question) {
  if (!question.trim()) return;
  examples.hidden = true;
  askButton.disabled = true;
  const pending = errorTurn(question, "");
  pending.querySelector(".rq-card").className = "rq-card rq-pending";
  pending.querySelector(".rq-card").removeAttribute("role");
  pending.querySelector(".rq-card").textContent = "正在查找……";
  chat.prepend(pending);
  try {
    const response = await fetch("/ui/answer", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({question, report: picker ? picker.value : null}),
    });
    const data = await response.json();
    if (data.html) {
      const holder = document.createElement("div");
      holder.innerHTML = data.html;
      pending.replaceWith(...holder.childNodes);
    } else {
      pending.replaceWith(errorTurn(question, data.error || "请求失败，请稍后再试。"));
    }
  } catch (err) {
    pending.replaceWith(errorTurn(question, "无法连接服务器，请稍后再试。"));
  } finally {
    askButton.disabled = false;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const question = box.value;
  if (!question.trim()) return;
  box.value = "";
  ask(question);
});

box.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});

examples.addEventListener("click", (event) => {
  const button = event.target.closest("[data-example]");
  if (!button) return;
  box.value = button.dataset.example;
  form.requestSubmit();
});

function showSource(turn, n, focus) {
  turn.querySelectorAll(".rq-source").forEach((panel) => {
    panel.hidden = panel.dataset.n !== String(n);
  });
  turn.querySelectorAll(".rq-sources [data-source]").forEach((link) => {
    link.setAttribute("aria-current", link.getAttribute("data-source") === String(n));
  });
  const panel = turn.querySelector(`.rq-source[data-n="${n}"]`);
  if (!panel) return;
  if (focus) panel.querySelector(".rq-source-title").focus({preventScroll: true});
  const rect = panel.getBoundingClientRect();
  if (rect.top < 0 || rect.top > window.innerHeight) panel.scrollIntoView({block: "start"});
}

async function flag(button) {
  const feedback = button.closest(".rq-feedback");
  const turn = button.closest(".rq-turn");
  const note = feedback.querySelector(".rq-feedback-note");
  const question = turn.querySelector(".rq-question").textContent.replace(/^问：/, "");
  const logId = feedback.dataset.log ? Number(feedback.dataset.log) : null;
  feedback.querySelectorAll("button").forEach((b) => { b.disabled = true; });
  try {
    const response = await fetch("/api/feedback", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({reason: button.dataset.feedback, log_id: logId, question}),
    });
    const data = await response.json();
    note.textContent = data.message || data.error;
    if (!response.ok) feedback.querySelectorAll("button").forEach((b) => { b.disabled = false; });
  } catch (err) {
    note.textContent = "无法连接服务器，请稍后再试。";
    feedback.querySelectorAll("button").forEach((b) => { b.disabled = false; });
  }
}

function toggleFullPage(button) {
  const img = button.closest(".rq-source").querySelector(".rq-crop img");
  const full = button.getAttribute("aria-pressed") !== "true";
  img.src = full ? img.dataset.full : img.dataset.crop;
  button.setAttribute("aria-pressed", full);
  button.textContent = full ? "返回局部" : "查看整页";
}

chat.addEventListener("click", (event) => {
  const source = event.target.closest("[data-source]");
  if (source) {
    event.preventDefault();
    // a click with the keyboard (Enter) has no pointer position: move focus to the source
    showSource(source.closest(".rq-turn"), source.getAttribute("data-source"), event.detail === 0);
    return;
  }
  const button = event.target.closest("button");
  if (!button) return;
  if (button.dataset.feedback) flag(button);
  else if (button.classList.contains("rq-fullpage")) toggleFullPage(button);
});

const uploadForm = document.getElementById("rq-upload-form");
if (uploadForm) {
  uploadForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const files = document.getElementById("rq-files").files;
    const status = document.getElementById("rq-upload-status");
    const bar = document.getElementById("rq-progress");
    if (!files.length) { status.textContent = "请先选择 PDF 文件。"; return; }
    const body = new FormData();
    for (const file of files) body.append("files", file);
    status.textContent = "正在上传……";
    bar.hidden = false;
    bar.removeAttribute("value");
    try {
      const response = await fetch("/ui/upload", {method: "POST", body});
      if (!response.ok) { status.textContent = (await response.json()).error; return; }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, {stream: true});
        let cut;
        while ((cut = buffer.indexOf("\n")) >= 0) {
          const line = JSON.parse(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 1);
          if (line.status === "progress") {
            bar.max = line.total; bar.value = line.done;
            status.textContent = `${line.stage}：${line.done}/${line.total}`;
          } else if (line.status === "done") {
            status.textContent = line.lines.join("\n");
            if (!picker && line.reports.length > 1) status.textContent += "\n刷新页面后可以选择报告。";
            if (picker) {
              const current = picker.value;
              picker.replaceChildren(new Option("全部报告", ""));
              line.reports.forEach((r) => picker.add(new Option(r.title, r.id)));
              picker.value = current;
            }
          } else {
            status.textContent = line.error;
          }
        }
      }
    } catch (err) {
      status.textContent = "上传失败，请稍后再试。";
    } finally {
      bar.hidden = true;
    }
  });
}
