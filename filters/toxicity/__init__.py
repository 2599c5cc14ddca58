"""Toxicity scoring per language: the ``wordlist`` backend (offline default) and the ``apertus``
backend (frozen XLM-RoBERTa encoder + one MLP head per language, the published Apertus method)."""
