from django.urls import path

from .views import catalogue, editing, opinions, plan_tags, practice, record, transfers

app_name = "practices"

urlpatterns = [
    path("", catalogue.practice_list, name="practice-list"),
    path("nuova/", editing.practice_create, name="practice-create"),
    path("moderazione/", editing.moderation_queue, name="moderation-queue"),
    path("mia-zona/", editing.my_zone, name="my-zone"),
    path("<int:pk>/", practice.practice_detail, name="practice-detail"),
    path("<int:pk>/modifica/", editing.practice_edit, name="practice-edit"),
    path("<int:pk>/stato/", editing.practice_transition, name="practice-transition"),
    path("<int:pk>/piano/", plan_tags.practice_plan_tags, name="practice-plan-tags"),
    path("<int:pk>/allegati/", practice.attachment_create, name="attachment-create"),
    path("allegati/<int:pk>/", practice.attachment_download, name="attachment-download"),
    path("allegati/<int:pk>/elimina/", practice.attachment_delete, name="attachment-delete"),
    path("<int:pk>/commenti/", practice.comment_create, name="comment-create"),
    path("commenti/<int:pk>/nascondi/", practice.comment_hide, name="comment-hide"),
    path("commenti/<int:pk>/segnala/", practice.comment_report, name="comment-report"),
    path(
        "commenti/<int:pk>/segnalazione-respinta/",
        practice.comment_dismiss_report,
        name="comment-dismiss-report",
    ),
    path("<int:pk>/interesse/", transfers.transfer_create, name="transfer-create"),
    path("trasferimenti/<int:pk>/", transfers.transfer_update, name="transfer-update"),
    path("<int:pk>/scheda/", record.record_page, name="practice-record"),
    path("<int:pk>/scheda.json", record.record_json, name="practice-record-json"),
    path("scheda.schema.json", record.record_schema, name="record-schema"),
    path("<int:pk>/parere-esperto/", opinions.expert_opinion_create, name="expert-opinion-create"),
    path("pareri-esperti/<int:pk>/", opinions.expert_opinion_edit, name="expert-opinion-edit"),
]
