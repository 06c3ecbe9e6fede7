from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig


class PaperConfig(AppConfig):
    # The app's own config among the two here (AxesConfig is django-axes').
    default = True
    name = "paper"
    verbose_name = "报纸版面"

    def ready(self):
        from . import caching

        # Whatever an editor or an import changes drops the cached pages (paper.caching).
        caching.connect({"paper", "articles", "notices"})


class AxesConfig(AxesAppConfig):
    """django-axes, the login protection, under a Chinese name in the admin (its own: Axes)."""

    verbose_name = "登录保护"
