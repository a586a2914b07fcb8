from backend.core.errors import NotFound


class CardNotFound(NotFound):
    default_message = "未找到该经营主体。"


class CodeReplaced(NotFound):
    http_status = 410
    default_message = "该二维码已被监管部门更换，请扫描店内张贴的新二维码。"
