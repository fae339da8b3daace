from django.contrib import admin

from .models import Clause, ClauseMapping, Control, ControlGroup, Framework, Mapping


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["short_name", "code", "edition", "publisher"]


@admin.register(ControlGroup)
class ControlGroupAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "framework"]
    list_filter = ["framework"]


@admin.register(Control)
class ControlAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "framework", "group"]
    list_filter = ["framework", "group"]
    search_fields = ["reference", "title", "description"]


@admin.register(Clause)
class ClauseAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "framework"]
    list_filter = ["framework"]


@admin.register(Mapping)
class MappingAdmin(admin.ModelAdmin):
    list_display = ["source", "target", "relation"]
    list_filter = ["relation"]
    list_select_related = ["source", "target"]


@admin.register(ClauseMapping)
class ClauseMappingAdmin(admin.ModelAdmin):
    list_display = ["source", "target", "relation"]
    list_select_related = ["source", "target"]
