"""The desktop app: a PySide6 window over `photoclip.library` and the background worker.

Nothing in here touches SQLite, hnswlib or torch: reads go through the library facade on a
thread pool (`ops`), indexing and watching through the worker's events (`bridge`).
"""
