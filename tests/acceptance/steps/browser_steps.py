"""Steps that drive real Chromium (Playwright), one browser context per person."""
