"""The Data page's upload screens: checking files before import, mapping unknown ones,
the import itself, and the history with undo."""
