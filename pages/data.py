"""Data: upload CRM exports, check them, map unknown ones, import, and undo (SPEC §9.7)."""

import streamlit as st

from ui import access, components, data, upload

components.page_setup()
ctx = data.context()
st.title("Data")
upload.show_message()
upload.sample_controls(ctx)

st.header("Import CRM exports")
st.caption("Drop one or several exports (Salesforce, HubSpot, Pipedrive, Zoho or the canonical "
           "template). Each file is checked first; nothing is written until you press Import, "
           "and then the files go in as one upload, all or nothing. Any upload can be undone "
           "below.")
if not access.can_edit():
    st.info("Only editors import data, undo uploads and clear the sample. You can read the "
            "upload history below.", icon=":material/lock:")
files = st.file_uploader("CRM exports", accept_multiple_files=True,
                         type=["csv", "xlsx", "txt", "tsv"], key="upload_files",
                         disabled=not access.can_edit())
checks = upload.check_files(ctx, files or [])
if checks:
    st.subheader("Check before import")
    st.dataframe(upload.check_table(checks), hide_index=True)
    for check in checks:
        upload.show_check(check)
    for check, names, first in upload.unmapped_groups(checks, files or []):
        upload.mapping_step(ctx, check, first, names)
    upload.mapping_notes(checks)
    upload.import_button(ctx, checks, files or [])
upload.show_report(ctx)

st.header("Upload history")
history = upload.history_table(upload.uploads(ctx))
if history.empty:
    st.text("No uploads yet.")
else:
    st.dataframe(history, hide_index=True)
    if access.can_edit():
        upload.undo_controls(ctx, history)
    upload.history_rejects(ctx, history)

st.header("Canonical template")
st.caption("For exports from any other system: put the data in these columns and upload the "
           "file as it is, no mapping needed. Dates as 2026-04-02 or 2026-04-02 09:15.")
upload.template_download()
