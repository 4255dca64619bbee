"""JupyterLab in headless Chromium (helpers in ``tests.browser.lab_helpers``)."""
