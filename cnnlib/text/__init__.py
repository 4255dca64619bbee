"""Every string a learner sees: ``i18n.t``, one catalogue per language (``locale``), the
glossary of terms for both editions, and the fonts that draw Chinese. The lowest layer but
``config``: everything may use it, it uses nothing of cnnlib above it.
"""
