"""ReportQA indexer: reports → document model → typed tables and chunks → stores."""
