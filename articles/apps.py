from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "文章"

    def ready(self):
        from paper.importing.parts import register

        from .importing import ArticlePart

        register(ArticlePart())
