from django.http import FileResponse, Http404

from .models import DocumentStatus, GeneratedDocument


def document_download_response(document: GeneratedDocument) -> FileResponse:
    """The file of a done document, streamed; 404 while it is not done or if the file is gone."""
    if document.status != DocumentStatus.DONE or not document.file:
        raise Http404("This document is not ready.")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this document is no longer stored.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.filename, content_type=document.content_type
    )
    response["X-Content-SHA256"] = document.sha256
    response["Cache-Control"] = "private, no-store"
    return response
