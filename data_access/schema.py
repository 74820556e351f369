"""Tables of the indicator store (SQLAlchemy Core). Changes go through Alembic migrations."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

CODE = String(12)

# Region hierarchy: 1 province, 2 city, 3 county, 4 town, 5 village. 东莞/中山 towns hang off the city.
region = Table(
    "region",
    metadata,
    Column("code", CODE, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("level", Integer, nullable=False),
    Column("parent_code", CODE, ForeignKey("region.code"), nullable=True, index=True),
    Column("kind", String(16), nullable=False),
    Column("lon", Float),
    Column("lat", Float),
    CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
)

# Closure table: one row per (ancestor, descendant) pair including (self, self, depth 0).
# Rollups join observations at the collecting level to the ancestor being asked about.
region_closure = Table(
    "region_closure",
    metadata,
    Column("ancestor", CODE, ForeignKey("region.code"), nullable=False),
    Column("descendant", CODE, ForeignKey("region.code"), nullable=False),
    Column("depth", Integer, nullable=False),
    Column("descendant_level", Integer, nullable=False),
    PrimaryKeyConstraint("ancestor", "descendant"),
    Index("ix_region_closure_descendant", "descendant", "ancestor"),
    Index("ix_region_closure_ancestor_level", "ancestor", "descendant_level"),
)

indicator = Table(
    "indicator",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("theme", String(16), nullable=False),  # economy|services|programme|infrastructure|reporting
    Column("definition", Text, nullable=False, default=""),
    Column("source_dept", String(64), nullable=False, default=""),
    Column("frequency", String(8), nullable=False),  # month|quarter|year
    Column("value_type", String(12), nullable=False),  # flow|cumulative|stock
    Column("aggregation", String(16), nullable=False),  # sum|ratio|weighted_mean|min|max
    Column("numerator", String(32)),
    Column("denominator", String(32)),
    Column("weight", String(32)),
    Column("factor", Float, nullable=False, default=1.0),
    Column("direction", Integer, nullable=False, default=1),  # 1 higher is better, -1 lower
    Column("decimals", Integer, nullable=False, default=1),
    Column("min_value", Float),
    Column("max_value", Float),
    Column("lowest_level", Integer, nullable=False),
    Column("sort_order", Integer, nullable=False, default=0),
    Column("headline", Boolean, nullable=False, default=False),
    CheckConstraint("frequency IN ('month','quarter','year')", name="frequency"),
    CheckConstraint("value_type IN ('flow','cumulative','stock')", name="value_type"),
    CheckConstraint("aggregation IN ('sum','ratio','weighted_mean','min','max')", name="aggregation"),
    CheckConstraint("direction IN (1,-1)", name="direction"),
)

# Period strings: 'YYYY-MM' (month), 'YYYY-Qn' (quarter), 'YYYY' (year).
observation = Table(
    "observation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("indicator_code", String(32), ForeignKey("indicator.code"), nullable=False),
    Column("region_code", CODE, ForeignKey("region.code"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("value", Float, nullable=False),
    Column("status", String(10), nullable=False, default="reported"),  # reported|revised|estimated
    Column("source", String(64), nullable=False, default=""),
    Column("reported_at", DateTime, nullable=False),
    Column("reported_by", String(64), nullable=False, default=""),
    UniqueConstraint("indicator_code", "period", "region_code", name="uq_observation_key"),
    CheckConstraint("status IN ('reported','revised','estimated')", name="status"),
)

# Precomputed partial aggregates (rollup.py) of each indicator over the lowest-level units under
# each ancestor at province, city or county level: the same figures ``rollup.single``/``pairs``
# compute from observations, kept in step by every observation write (``meta.rollup_version``
# says at which data version they last matched; a stale table is never read).
rollup_partial = Table(
    "rollup_partial",
    metadata,
    Column("indicator_code", String(32), nullable=False),
    Column("period", String(7), nullable=False),
    Column("ancestor", CODE, nullable=False),
    Column("reported", Integer, nullable=False),
    Column("total", Float, nullable=False),
    Column("base", Float, nullable=False),
    Column("lo", Float),
    Column("hi", Float),
    PrimaryKeyConstraint("indicator_code", "period", "ancestor"),
)

# Every value an observation had before it was revised.
observation_history = Table(
    "observation_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("indicator_code", String(32), nullable=False),
    Column("region_code", CODE, nullable=False),
    Column("period", String(7), nullable=False),
    Column("value", Float, nullable=False),
    Column("status", String(10), nullable=False),
    Column("source", String(64), nullable=False),
    Column("reported_at", DateTime, nullable=False),
    Column("reported_by", String(64), nullable=False),
    Column("replaced_at", DateTime, nullable=False),
    Column("replaced_by", String(64), nullable=False),
    Index("ix_observation_history_key", "indicator_code", "region_code", "period"),
)

target = Table(
    "target",
    metadata,
    Column("indicator_code", String(32), ForeignKey("indicator.code"), nullable=False),
    Column("region_code", CODE, ForeignKey("region.code"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("value", Float, nullable=False),
    PrimaryKeyConstraint("indicator_code", "region_code", "year"),
)

# 填表报数: a form that units of one level must fill each period.
reporting_task = Table(
    "reporting_task",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("department", String(64), nullable=False, default=""),
    Column("level", Integer, nullable=False),  # level of the units that must report
    Column("frequency", String(8), nullable=False),
    Column("due_day", Integer, nullable=False, default=10),  # day of the following month
)

reporting_period = Table(
    "reporting_period",
    metadata,
    Column("task_code", String(32), ForeignKey("reporting_task.code"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("due_date", Date, nullable=False),
    PrimaryKeyConstraint("task_code", "period"),
)

# One row per unit expected to report for a task and period; submitted_at NULL = not yet.
submission = Table(
    "submission",
    metadata,
    Column("task_code", String(32), ForeignKey("reporting_task.code"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("region_code", CODE, ForeignKey("region.code"), nullable=False),
    Column("submitted_at", DateTime),
    Column("status", String(10), nullable=False, default="pending"),  # pending|draft|submitted|returned
    Column("filer", String(64), nullable=False, default=""),
    # The online form (migration 0005): JSON texts of the draft's raw values {field name: text},
    # the text fields {field name: text} and the 情况说明 given for warnings {field name: text}.
    Column("draft_values", Text),
    Column("texts", Text),
    Column("notes", Text),
    Column("saved_at", DateTime),
    Column("saved_by", String(64)),
    # 退回: a returned form has submitted_at cleared (it counts as not reported until resubmitted).
    Column("returned_at", DateTime),
    Column("returned_by", String(64)),
    Column("return_reason", Text),
    PrimaryKeyConstraint("task_code", "period", "region_code"),
    Index("ix_submission_region", "region_code"),
)

# The fields of a task's form, in order (migration 0005). An indicator field's indicator has the
# task's frequency, its lowest level is the task's level and it is never a ratio (ratios derive);
# a text field (备注, 情况说明) is stored with the submission.
task_field = Table(
    "task_field",
    metadata,
    Column("task_code", String(32), ForeignKey("reporting_task.code"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(10), nullable=False),  # indicator|text
    Column("indicator_code", String(32), ForeignKey("indicator.code"), nullable=True),
    Column("name", String(64), nullable=False),
    Column("required", Boolean, nullable=False, default=False),
    PrimaryKeyConstraint("task_code", "position"),
    CheckConstraint("kind IN ('indicator','text')", name="kind"),
)

# Filers and administrators of the reporting system, per unit.
filer = Table(
    "filer",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("region_code", CODE, ForeignKey("region.code"), nullable=False, index=True),
    Column("name", String(32), nullable=False),
    Column("role", String(16), nullable=False),  # filer|admin
    Column("active", Boolean, nullable=False, default=True),
)

contact = Table(
    "contact",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("region_code", CODE, ForeignKey("region.code"), nullable=False, index=True),
    Column("role", String(32), nullable=False),  # 总指挥, 常务副总指挥, 指挥办负责人, 工作专班组长…
    Column("name", String(32), nullable=False),
    Column("title", String(64), nullable=False, default=""),
    Column("organisation", String(64), nullable=False, default=""),
    Column("phone", String(20), nullable=False, default=""),
    Column("sort_order", Integer, nullable=False, default=0),
)

video_resource = Table(
    "video_resource",
    metadata,
    Column("camera_id", String(24), primary_key=True),
    Column("region_code", CODE, ForeignKey("region.code"), nullable=False, index=True),
    Column("location", String(64), nullable=False, default=""),
    Column("lon", Float),
    Column("lat", Float),
    Column("online", Boolean, nullable=False),
    Column("connected", Boolean, nullable=False),  # to the provincial video-sharing platform
)

# 基层治理 (migration 0007): dispute cases of 矛盾纠纷·码上办, one row per case, at the
# village where they arose. No party names are stored. Types are a table so a new one needs no code.
case_type = Table(
    "case_type",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", String(32), nullable=False, unique=True),
    Column("sort_order", Integer, nullable=False, default=0),
)

dispute_case = Table(
    "dispute_case",
    metadata,
    Column("case_id", String(32), primary_key=True),  # the 码上办 system's case number
    Column("village_code", CODE, ForeignKey("region.code"), nullable=False),
    Column("type_code", String(16), ForeignKey("case_type.code"), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("channel", String(16), nullable=False),  # 码上办扫码|来访|电话|网格员
    Column("due_date", Date, nullable=False),
    Column("resolved_level", String(4)),  # 村|镇|县|市, the level that closed it
    Column("resolved_at", DateTime),  # when it was closed (已化解 or 未化解)
    Column("status", String(8), nullable=False),  # 受理|调处中|已化解|未化解|已上报
    Column("satisfaction", Integer),  # 1–5, optional
    Column("updated_at", DateTime, nullable=False),
    Index("ix_dispute_case_village_received", "village_code", "received_at"),
    CheckConstraint("status IN ('受理','调处中','已化解','未化解','已上报')", name="status"),
    CheckConstraint(
        "resolved_level IS NULL OR resolved_level IN ('村','镇','县','市')", name="resolved_level"
    ),
    CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction"),
)

# 一键会商: a consultation called from the directory, and its participants as they were invited
# (a snapshot: the directory may be reloaded later, the invitation must still say who was asked).
consultation = Table(
    "consultation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(128), nullable=False),
    Column("starts_at", DateTime, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("place", String(256), nullable=False),  # a room or a meeting link
    Column("note", Text, nullable=False, default=""),
    Column("region_code", CODE, nullable=False, index=True),  # the caller's scope root
    Column("called_by", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("status", String(12), nullable=False, default="planned"),  # planned|cancelled
    CheckConstraint("status IN ('planned','cancelled')", name="status"),
)

consultation_participant = Table(
    "consultation_participant",
    metadata,
    Column("consultation_id", Integer, ForeignKey("consultation.id"), nullable=False),
    Column("contact_id", Integer, nullable=False),
    Column("region_code", CODE, nullable=False),
    Column("role", String(32), nullable=False),
    Column("name", String(32), nullable=False),
    Column("organisation", String(64), nullable=False),
    Column("phone", String(20), nullable=False),
    PrimaryKeyConstraint("consultation_id", "contact_id"),
)

# Boundaries: one geometry per region (GeoJSON text in WGS84, full precision); schematic cells are
# generated, real ones imported. Prepared per-parent layers are derived from this table by geo/.
boundary = Table(
    "boundary",
    metadata,
    Column("code", CODE, ForeignKey("region.code"), primary_key=True),
    Column("level", Integer, nullable=False),
    Column("schematic", Boolean, nullable=False),
    Column("source", String(64), nullable=False, default=""),
    Column("geometry", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_boundary_level", "level"),
)

# 一网共享: records a department collected, got back from the province and shared, per month.
data_sharing = Table(
    "data_sharing",
    metadata,
    Column("department", String(32), nullable=False),
    Column("region_code", CODE, ForeignKey("region.code"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("collected", Integer, nullable=False, default=0),
    Column("returned", Integer, nullable=False, default=0),
    Column("shared", Integer, nullable=False, default=0),
    PrimaryKeyConstraint("department", "region_code", "period"),
)

# Key/value facts about the store: data_version (bumped by every write), as_of, demo, root.
meta = Table(
    "meta",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("value", Text, nullable=False),
)

# Access control (migration 0003). "user" is a reserved word in PostgreSQL, hence app_user.
# auth_version is part of the session id: bumping it (password change, disable) ends old sessions.
app_user = Table(
    "app_user",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(64), nullable=False, default=""),
    Column("role", String(8), nullable=False),  # leader|staff|admin|wall
    Column("region_code", CODE, nullable=False),  # scope root, any level
    Column("active", Boolean, nullable=False, default=True),
    Column("password_hash", String(255), nullable=False),  # werkzeug scrypt; never the password
    Column("auth_version", Integer, nullable=False, default=1),
    Column("created_at", DateTime, nullable=False),
    Column("last_login_at", DateTime),
    CheckConstraint("role IN ('leader','staff','admin','wall')", name="role"),
)

# API tokens: only the SHA-256 of the (high-entropy, random) token is kept; revoked_at ends it.
api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("hint", String(12), nullable=False, default=""),  # first characters, to tell tokens apart
    Column("created_at", DateTime, nullable=False),
    Column("last_used_at", DateTime),
    Column("revoked_at", DateTime),
)

# Who did what, when and from where: logins, exports, imports, user changes.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("username", String(64), nullable=False, default=""),
    Column("region_code", String(12), nullable=False, default=""),  # the actor's scope root, if known
    Column("action", String(32), nullable=False),
    Column("outcome", String(16), nullable=False, default="ok"),  # ok|failed|refused
    Column("detail", Text, nullable=False, default=""),
    Column("address", String(64), nullable=False, default=""),
    # How many times this entry happened (migration 0006): repeated refused logins of one name and
    # address within the limiter's window are counted on one row instead of one row each.
    Column("repeats", Integer, nullable=False, default=1, server_default="1"),
)

# Failed logins per key ("user:<name>" / "addr:<ip>") for rate limiting across workers.
login_attempt = Table(
    "login_attempt",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(128), nullable=False),
    Column("at", DateTime, nullable=False),
    Index("ix_login_attempt_key_at", "key", "at"),
)

# Server-side sessions (migration 0006): the browser's cookie carries a random token, the store
# only its SHA-256. Logout, a password change and disabling the user revoke it on the server, so a
# copied cookie stops working at once (a signed cookie alone stays valid until it expires).
user_session = Table(
    "user_session",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("app_user.id"), nullable=False, index=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    Column("address", String(64), nullable=False, default=""),
)

# Wall-screen playlists (migration 0008): the validated JSON as imported (data_access.playlists).
playlist = Table(
    "playlist",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("body", Text, nullable=False),  # {"name", "views": [{"url", "seconds", "for_each"?, "title"?}]}
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", String(64), nullable=False, default=""),
)
