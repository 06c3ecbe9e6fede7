"""Other announcements (减资公告, 注销公告 …) imported from a page export and shown to readers."""

import datetime

import pytest
from stdnum.cn import uscc

from notices.models import Notice
from paper.importing import parse_export
from paper.importing.writing import write_issue

pytestmark = pytest.mark.django_db

BODY = "91370613MA3XH2P6"
CODE = BODY + "9" + uscc.calc_check_digit(BODY + "90")
EXPORT = f"""=== A05 公告 ===
## 减资公告
烟台泰和园林绿化工程有限公司(统一社会信用代码:{CODE})经股东会决议,公司注册资本由
1000万元减少至500万元。请债权人自本公告见报之日起四十五日内向本公司申报债权。
特此公告。
烟台泰和园林绿化工程有限公司
2024年10月22日
"""


def import_export(text):
    return write_issue(parse_export(text), datetime.date(2024, 10, 22), publish=True)


def test_an_announcement_is_a_published_notice_with_its_signature_and_credit_code(client):
    import_export(EXPORT)
    [notice] = Notice.objects.all()
    assert (notice.kind, notice.status, notice.needs_review) == ("other", "published", False)
    assert (notice.headline, notice.announcer, notice.credit_code) == (
        "减资公告",
        "烟台泰和园林绿化工程有限公司",
        CODE,
    )
    assert notice.text.split("\n") == [
        "减资公告",
        f"烟台泰和园林绿化工程有限公司(统一社会信用代码:{CODE})经股东会决议,公司注册资本由"
        "1000万元减少至500万元。请债权人自本公告见报之日起四十五日内向本公司申报债权。",
        "特此公告。",
        "烟台泰和园林绿化工程有限公司",
        "2024年10月22日",
    ]
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "减资公告:烟台泰和园林绿化工程有限公司" in page
    assert f"<dd>{CODE}</dd>" in page
    assert "<h1>减资公告</h1>" in page
    assert "特此公告。<br>烟台泰和园林绿化工程有限公司<br>2024年10月22日" in page
    data = client.get(f"/notices/{notice.pk}.json").json()
    assert data["announcement"] == {
        "headline": "减资公告",
        "announcer": "烟台泰和园林绿化工程有限公司",
        "credit_code": CODE,
    }


def test_a_wrong_credit_code_keeps_the_announcement_a_draft_saying_why():
    wrong = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    import_export(EXPORT.replace(CODE, wrong))
    [notice] = Notice.objects.all()
    assert (notice.kind, notice.status, notice.needs_review) == ("other", "draft", True)
    assert "校验位不正确" in notice.review_note
    assert notice.text.startswith("减资公告\n")
