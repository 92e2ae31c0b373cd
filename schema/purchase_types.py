"""Market purchase work (买样) in GraphQL: what the buying-sample app shows, offline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum

import strawberry

from domain import purchases
from schema import enums
from schema.reference_types import SamplingScheme
from schema.relay import Node
from schema.sample_types import SampleStatus
from schema.types import OrgUnit, Person, ProductCategory

AssignmentStatus = enums._mirror(
    purchases.AssignmentStatus, "PurchaseAssignmentStatus", "买样任务状态 Status of a buyer's purchase work", {
        "ASSIGNED": "已分派 Assigned: the buyer is out buying",
        "COMPLETED": "已完成 Reported done by the buyer",
        "WITHDRAWN": "已撤回 Taken back by the planner",
        "EXCEPTION": "异常 The buyer could not buy (e.g. product not on the market)",
    },
)  # fmt: skip


@strawberry.type(description="所购证书产品 A certified product to look for.")
class PurchaseCertificate:
    number: str = strawberry.field(description="证书编号")
    holder: str = strawberry.field(description="持证人")
    product_category: ProductCategory = strawberry.field(description="产品类别 The product's category.")


@strawberry.type(description="买样对象 Whose product to buy: the manufacturer and its certificates.")
class PurchaseTarget:
    factory_code: str = strawberry.field(description="工厂编号")
    manufacturer: str = strawberry.field(description="生产厂名称")
    certificates: list[PurchaseCertificate] = strawberry.field(
        description="The certificates whose products to look for."
    )


@strawberry.type(description="购买的样品 A sample bought, with what the app needs to ship it.")
class PurchasedSample:
    id: strawberry.ID = strawberry.field(description="Sample ID, for shipSample")
    identifier: str = strawberry.field(description="样品编号")
    seal_number: str = strawberry.field(description="封条号")
    quantity: int = strawberry.field(description="Units bought.")
    status: SampleStatus = strawberry.field(description="样品状态 Where the sample is in its chain of custody.")
    carrier: str | None = strawberry.field(description="Carrier it was shipped with.")
    tracking_number: str | None = strawberry.field(description="The carrier's tracking number.")
    shipped_at: dt.datetime | None = strawberry.field(description="When it was shipped to the lab.")
    version: int = strawberry.field(description="Send as expectedVersion to shipSample")


@strawberry.enum(description="买样凭证用途 What a purchase file shows.")
class PurchaseFilePurpose(Enum):
    RECEIPT = strawberry.enum_value("RECEIPT", description="购物凭证 The receipt")
    PRODUCT_PHOTO = strawberry.enum_value("PRODUCT_PHOTO", description="产品照片 A photo of the product or the shop")


@strawberry.type(description="买样凭证 The receipt or a product photo, stored by its SHA-256.")
class PurchaseFile:
    id: strawberry.ID = strawberry.field(description="Opaque global ID.")
    purpose: str = strawberry.field(
        description="RECEIPT 购物凭证 or PRODUCT_PHOTO 产品照片", deprecation_reason="Use purposeCode, an enum."
    )
    filename: str = strawberry.field(description="The file's name as uploaded.")
    content_type: str = strawberry.field(description="MIME type, from the content.")
    size: int = strawberry.field(description="Size in bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the content (hex).")
    download_url: str = strawberry.field(description="GET with a bearer token (staff of the task's units)")

    @strawberry.field(description="买样凭证用途 What the file shows.")
    def purpose_code(self) -> PurchaseFilePurpose:
        return PurchaseFilePurpose(self.purpose)


@strawberry.type(description="买样记录 One purchase: where, when, for how much, with receipt and photos.")
class Purchase(Node):
    shop_name: str = strawberry.field(description="商店名称")
    shop_address: str = strawberry.field(description="商店地址")
    latitude: float = strawberry.field(description="Where it was bought: latitude (WGS 84).")
    longitude: float = strawberry.field(description="Where it was bought: longitude (WGS 84).")
    gps_accuracy_meters: float | None = strawberry.field(
        description="The phone's accuracy of that position, in metres."
    )
    purchased_at: dt.datetime = strawberry.field(description="购买时间 (the phone's clock)")
    recorded_at: dt.datetime = strawberry.field(description="When the server received it")
    price: Decimal = strawberry.field(description="价格")
    currency: str = strawberry.field(description="ISO 4217, e.g. CNY")
    receipt_number: str = strawberry.field(description="票据号")
    buyer: str = strawberry.field(description="The buyer's login.")
    buyer_person: Person = strawberry.field(description="The buyer as a person of the directory (`people`).")
    receipt: PurchaseFile | None = strawberry.field(description="购物凭证 The receipt.")
    photos: list[PurchaseFile] = strawberry.field(description="Photos of the product and the shop.")
    samples: list[PurchasedSample] = strawberry.field(description="The samples bought.")


@strawberry.type(description="买样任务 A buyer's purchase work for one sampling task, complete for offline use.")
class PurchaseAssignment(Node):
    status: AssignmentStatus = strawberry.field(description="买样任务状态 Where the assignment stands.")
    version: int = strawberry.field(description="Send as expectedVersion")
    buyer: str = strawberry.field(description="The buyer's login.")
    buyer_person: Person = strawberry.field(description="The buyer as a person of the directory (`people`).")
    assigned_at: dt.datetime = strawberry.field(description="When the buyer was assigned.")
    instructions: str = strawberry.field(description="买样要求 The planner's instructions")
    closed_at: dt.datetime | None = strawberry.field(description="When it was completed or withdrawn.")
    close_reason: str | None = strawberry.field(description="Why it was closed.")
    task_id: strawberry.ID = strawberry.field(description="The sampling task (staff may open it)")
    task_number: str = strawberry.field(description="任务编号 The sampling task's number (EAST-2026-0042)")
    planned_start: dt.date | None = strawberry.field(description="First day to buy.")
    planned_end: dt.date | None = strawberry.field(description="Last day to buy.")
    due_on: dt.date = strawberry.field(description="完成期限")
    quantity: int | None = strawberry.field(description="抽样数量 How many to buy")
    product_category: ProductCategory | None = strawberry.field(
        description="The category to buy, once the sampling details are set."
    )
    sampling_schemes: list[SamplingScheme] = strawberry.field(description="监督抽样检测方案 What to buy and test")
    target: PurchaseTarget = strawberry.field(description="买样对象 Whose product to buy.")
    lab: OrgUnit | None = strawberry.field(description="检测机构 Where to ship the samples")
    purchases: list[Purchase] = strawberry.field(description="The purchases recorded so far.")
