"""nekb.ui.documents: the document list, build progress and what an action did, as page messages."""

from nekb.build import BuildReport
from nekb.types import DocumentInfo
from nekb.ui import documents as docview


def test_report_messages_one_error_per_file():
    report = BuildReport(version="v", added=("a.txt",), errors=("b.pdf: encrypted", "c.txt: binary"))
    messages = docview.report_messages(report, {"a.txt": "甲"})
    assert [m.kind for m in messages] == ["error", "error", "success"]
    assert messages[0].text == "未能添加：b.pdf: encrypted"
    assert messages[2].text == "已添加：《甲》"
    assert docview.report_messages(BuildReport(version="v"), {})[0].kind == "info"


def test_report_messages_leave_out_documents_a_full_rebuild_re_added():
    report = BuildReport(version="v", added=("old.txt", "new.txt"))
    messages = docview.report_messages(report, {"new.txt": "新"}, known={"old.txt"})
    assert [m.text for m in messages] == ["已添加：《新》"]


def test_progress_state_and_labels():
    assert docview.progress_state("embed", 5, 10) == (0.5, "计算向量：5 / 10")
    assert docview.progress_state("read", 0, 0)[0] == 1.0
    info = DocumentInfo("a.txt", "甲", date="2023")
    assert list(docview.documents_frame([info])["标题"]) == ["甲"]
    assert docview.document_caption(info, "a.txt") == "2023 · 文件：a.txt"
