from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "公告"

    def ready(self):
        from paper.importing.parts import register

        from .importing import NoticePart

        register(NoticePart())
