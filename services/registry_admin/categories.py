"""Product categories (产品类别) and their implementation rules (实施规则), kept by HQ's
planners (`product_category manage`). A certificate records the rule it was issued under, so
a category's new rule applies to certificates issued from then on."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from domain import registry
from domain.audit_events import AuditAction
from domain.errors import DomainError, ErrorCode
from domain.validation import require_reason
from services import audit_log
from services.registry_admin.common import changed, input_fields
from services.runner import Work, at_hq, command
from store.models import ProductCategory

KIND = "product_category"


@command(authorize=at_hq("manage", KIND))
async def create_product_category(
    work: Work, *, code: str, name: str, name_zh: str, implementation_rule: str, reason: str | None
) -> ProductCategory:
    why = require_reason(reason)
    with input_fields():
        new = registry.new_category(code=code, name=name, name_zh=name_zh, implementation_rule=implementation_rule)
    if await ProductCategory.filter(code=new.code).exists():
        raise DomainError(ErrorCode.CONFLICT, "a product category {code!r} exists already", ("code",), code=new.code)
    try:
        category = await ProductCategory.create(
            code=new.code, name=new.name, name_zh=new.name_zh, implementation_rule=new.implementation_rule
        )
    except IntegrityError:
        raise DomainError(
            ErrorCode.CONFLICT, "a product category {code!r} exists already", ("code",), code=new.code
        ) from None
    await audit_log.record(
        AuditAction.CATEGORY_CREATE, "ProductCategory", category.id, after=_describe(category), reason=why
    )
    return category


@command(gate="ProductCategory", action="manage", id_arg="category_id")
async def update_product_category(
    work: Work,
    *,
    category_id: int,
    code: str | None,
    name: str | None,
    name_zh: str | None,
    implementation_rule: str | None,
    reason: str | None,
) -> ProductCategory:
    """None leaves a field as it is. A new code must be free; certificates keep the rule they
    were issued under."""
    why = require_reason(reason)
    category: ProductCategory = work.target
    with input_fields():
        new = registry.new_category(
            code=category.code if code is None else code,
            name=category.name if name is None else name,
            name_zh=category.name_zh if name_zh is None else name_zh,
            implementation_rule=category.implementation_rule if implementation_rule is None else implementation_rule,
        )
    before, after = changed(_describe(category), _describe(new))
    if not after:
        raise DomainError(ErrorCode.NO_CHANGE, "the update changes nothing")
    if new.code != category.code and await ProductCategory.filter(code=new.code).exists():
        raise DomainError(ErrorCode.CONFLICT, "a product category {code!r} exists already", ("code",), code=new.code)
    await ProductCategory.filter(id=category.id).update(
        code=new.code, name=new.name, name_zh=new.name_zh, implementation_rule=new.implementation_rule
    )
    await audit_log.record(
        AuditAction.CATEGORY_UPDATE, "ProductCategory", category.id, before=before, after=after, reason=why
    )
    await category.refresh_from_db()
    return category


def _describe(category) -> dict:
    return {
        "code": category.code,
        "name": category.name,
        "nameZh": category.name_zh,
        "implementationRule": category.implementation_rule,
    }
