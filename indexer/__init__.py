"""ReportQA indexer: reports → document model → typed tables and facts → stores."""
