from django.apps import AppConfig


class PaperConfig(AppConfig):
    name = "paper"
    verbose_name = "报纸版面"

    def ready(self):
        from . import caching

        # Whatever an editor or an import changes drops the cached pages (paper.caching).
        caching.connect({"paper", "articles", "notices"})
