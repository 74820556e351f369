"""The indicator catalogue (指标体系): every definition the cockpit knows, loaded by ``load_catalogue``.

Ratios store no observations: the read side computes Σnumerator / Σdenominator × factor from two
plain ``sum`` indicators collected at the same level and frequency. A ``weighted_mean`` stores its
lowest-level values and is rolled up as Σ(v·w)/Σw with its ``weight`` (a ``sum``), never averaged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from .indicators import THEMES
from .schema import indicator

__all__ = ["THEMES"]  # re-exported: the labels live in ``indicators.THEMES`` so every page agrees
LEVELS = range(1, 6)


@dataclass(frozen=True)
class IndicatorDef:
    """One row of the ``indicator`` table."""

    code: str
    name: str
    unit: str
    theme: str
    definition: str
    source_dept: str
    frequency: str
    value_type: str
    aggregation: str
    lowest_level: int
    numerator: str | None = None
    denominator: str | None = None
    weight: str | None = None
    factor: float = 1.0
    direction: int = 1
    decimals: int = 0
    min_value: float | None = 0.0
    max_value: float | None = None
    sort_order: int = 0
    headline: bool = False

    @property
    def derived(self) -> bool:
        """True for ratios: computed at read time from their numerator and denominator, never stored.

        A ``weighted_mean`` does store its lowest-level values (v); the read side weights them.
        """
        return self.aggregation == "ratio"


# One indicator per line, fields separated by " | ":
# code | name | unit | theme | frequency | value type | aggregation | lowest level |
# numerator/denominator (ratio) or weight (weighted_mean) or - | factor or - | direction (+ higher is
# better, - lower) | decimals | max valid value (min is 0) | * headline | source department | definition
_TABLE = """
# 经济运行 — county level; quarterly GDP and incomes are year-to-date (累计).
gdp | 地区生产总值 | 亿元 | economy | quarter | cumulative | sum | 3 | - | - | + | 2 | 20000 | * | 统计局 | 按当年价格计算的本年累计地区生产总值（GDP）。
gdp_primary | 第一产业增加值 | 亿元 | economy | quarter | cumulative | sum | 3 | - | - | + | 2 | 5000 | - | 统计局 | 农林牧渔业本年累计增加值。
industrial_va | 规模以上工业增加值 | 亿元 | economy | month | flow | sum | 3 | - | - | + | 2 | 3000 | - | 统计局 | 年主营业务收入2000万元及以上工业企业当月增加值。
fixed_asset_investment | 固定资产投资 | 亿元 | economy | month | flow | sum | 3 | - | - | + | 2 | 3000 | - | 统计局 | 计划总投资500万元及以上项目和房地产开发当月完成投资额。
retail_sales | 社会消费品零售总额 | 亿元 | economy | month | flow | sum | 3 | - | - | + | 2 | 3000 | * | 统计局 | 当月售予个人和社会集团的非生产、非经营用实物商品及餐饮收入。
budget_revenue | 一般公共预算收入 | 亿元 | economy | month | flow | sum | 3 | - | - | + | 2 | 1000 | * | 财政局 | 当月地方一般公共预算收入（税收收入与非税收入）。
exports | 出口总额 | 亿元 | economy | month | flow | sum | 3 | - | - | + | 2 | 3000 | - | 海关 | 当月经海关出口的货物总值（人民币计）。
imports | 进口总额 | 亿元 | economy | month | flow | sum | 3 | - | - | + | 2 | 3000 | - | 海关 | 当月经海关进口的货物总值（人民币计）。
urban_population | 城镇常住人口 | 万人 | economy | quarter | stock | sum | 3 | - | - | + | 2 | 2000 | - | 统计局 | 季末城镇常住人口，用作城镇居民人均收入的权数。
rural_population | 农村常住人口 | 万人 | economy | quarter | stock | sum | 3 | - | - | + | 2 | 2000 | - | 统计局 | 季末农村常住人口，用作农村居民人均收入的权数。
urban_income | 城镇居民人均可支配收入 | 元 | economy | quarter | cumulative | weighted_mean | 3 | urban_population | - | + | 0 | 200000 | - | 统计局 | 本年累计城镇居民人均可支配收入；上级数值按城镇常住人口加权，不作简单平均。
rural_income | 农村居民人均可支配收入 | 元 | economy | quarter | cumulative | weighted_mean | 3 | rural_population | - | + | 0 | 150000 | * | 统计局 | 本年累计农村居民人均可支配收入；上级数值按农村常住人口加权，不作简单平均。
# 政务服务 — towns (便民服务中心) and villages (粤智助).
items_handled | 政务服务办件量 | 件 | services | month | flow | sum | 4 | - | - | + | 0 | 1e6 | - | 政务服务和数据管理局 | 当月镇（街道）便民服务中心受理并办结的政务服务事项件数。
items_online | 网上办件量 | 件 | services | month | flow | sum | 4 | - | - | + | 0 | 1e6 | - | 政务服务和数据管理局 | 当月通过广东政务服务网、粤省事等渠道网上办结的件数。
online_rate | 网上办理率 | % | services | month | flow | ratio | 4 | items_online/items_handled | 100 | + | 1 | 100 | * | 政务服务和数据管理局 | 网上办件量 ÷ 政务服务办件量 × 100。
items_on_spot | 即办件量 | 件 | services | month | flow | sum | 4 | - | - | + | 0 | 1e6 | - | 政务服务和数据管理局 | 当月受理后当场办结的件数。
on_spot_rate | 即办率 | % | services | month | flow | ratio | 4 | items_on_spot/items_handled | 100 | + | 1 | 100 | - | 政务服务和数据管理局 | 即办件量 ÷ 政务服务办件量 × 100。
ratings_good | 好评数 | 件 | services | month | flow | sum | 4 | - | - | + | 0 | 1e6 | - | 政务服务和数据管理局 | 当月“好差评”系统中“非常满意”和“满意”的评价数。
ratings_total | 评价总数 | 件 | services | month | flow | sum | 4 | - | - | + | 0 | 1e6 | - | 政务服务和数据管理局 | 当月“好差评”系统收到的评价总数。
satisfaction | 好评率 | % | services | month | flow | ratio | 4 | ratings_good/ratings_total | 100 | + | 2 | 100 | - | 政务服务和数据管理局 | 好评数 ÷ 评价总数 × 100（政务服务“好差评”）。
villages_total | 行政村（社区）数 | 个 | services | month | stock | sum | 5 | - | - | + | 0 | 1 | - | 政务服务和数据管理局 | 每个村（社区）月末计 1，作为覆盖率的分母。
kiosk_villages | 已布设粤智助的村（社区） | 个 | services | month | stock | sum | 5 | - | - | + | 0 | 1 | - | 政务服务和数据管理局 | 月末已布设“粤智助”政府服务自助机的村（社区）计 1，否则计 0。
kiosks | 粤智助自助机数 | 台 | services | month | stock | sum | 5 | - | - | + | 0 | 20 | - | 政务服务和数据管理局 | 月末在用的“粤智助”政府服务自助机台数。
kiosk_coverage | 粤智助行政村覆盖率 | % | services | month | stock | ratio | 5 | kiosk_villages/villages_total | 100 | + | 1 | 100 | - | 政务服务和数据管理局 | 已布设粤智助的村（社区）数 ÷ 村（社区）总数 × 100。
kiosks_per_village | 村均粤智助自助机数 | 台/村 | services | month | stock | ratio | 5 | kiosks/villages_total | - | + | 2 | 20 | - | 政务服务和数据管理局 | 粤智助自助机台数 ÷ 村（社区）总数。
kiosk_uses | 粤智助业务办理量 | 笔 | services | month | flow | sum | 5 | - | - | + | 0 | 100000 | - | 政务服务和数据管理局 | 当月通过粤智助自助机办理的业务笔数。
# 百千万工程 — village collective economy, living environment, typical projects.
collective_income | 村集体经济收入 | 万元 | programme | year | flow | sum | 5 | - | - | + | 2 | 100000 | - | 农业农村局 | 全年村集体经营性收入、发包及上交收入、投资收益等合计。
villages_assessed | 参与统计的村（社区）数 | 个 | programme | year | stock | sum | 5 | - | - | + | 0 | 1 | - | 农业农村局 | 每个村（社区）计 1，作为集体经济收入达标占比的分母。
villages_income_10w | 集体经济收入10万元以上的村 | 个 | programme | year | stock | sum | 5 | - | - | + | 0 | 1 | - | 农业农村局 | 全年集体经济收入达到 10 万元及以上的村（社区）计 1，否则计 0。
income_10w_share | 集体经济收入超10万元村占比 | % | programme | year | stock | ratio | 5 | villages_income_10w/villages_assessed | 100 | + | 1 | 100 | * | 农业农村局 | 集体经济收入 10 万元以上村数 ÷ 村（社区）总数 × 100。
rural_households | 农村常住户数 | 户 | programme | quarter | stock | sum | 5 | - | - | + | 0 | 50000 | - | 农业农村局 | 季末农村常住户数，作为户厕和污水治理普及率的分母。
sanitary_toilet_households | 使用卫生户厕户数 | 户 | programme | quarter | stock | sum | 5 | - | - | + | 0 | 50000 | - | 农业农村局 | 季末使用无害化卫生户厕的农户数。
sanitary_toilet_rate | 农村卫生户厕普及率 | % | programme | quarter | stock | ratio | 5 | sanitary_toilet_households/rural_households | 100 | + | 1 | 100 | - | 农业农村局 | 使用卫生户厕户数 ÷ 农村常住户数 × 100。
sewage_treated_households | 生活污水得到治理的户数 | 户 | programme | quarter | stock | sum | 5 | - | - | + | 0 | 50000 | - | 生态环境局 | 季末生活污水得到有效治理（纳管或就地处理）的农户数。
sewage_treatment_rate | 农村生活污水治理率 | % | programme | quarter | stock | ratio | 5 | sewage_treated_households/rural_households | 100 | + | 1 | 100 | - | 生态环境局 | 生活污水得到治理的户数 ÷ 农村常住户数 × 100。
projects_planned | 典型镇村建设项目数 | 个 | programme | month | stock | sum | 4 | - | - | + | 0 | 500 | - | 百千万工程指挥部办公室 | 本年度列入典型镇、典型村培育计划的建设项目数。
projects_completed | 典型镇村项目完工数 | 个 | programme | month | cumulative | sum | 4 | - | - | + | 0 | 500 | - | 百千万工程指挥部办公室 | 本年累计完工的典型镇村建设项目数。
project_completion_rate | 典型镇村项目完工率 | % | programme | month | cumulative | ratio | 4 | projects_completed/projects_planned | 100 | + | 1 | 100 | - | 百千万工程指挥部办公室 | 本年累计完工项目数 ÷ 计划项目数 × 100。
project_investment | 典型镇村项目完成投资 | 万元 | programme | month | cumulative | sum | 4 | - | - | + | 1 | 1e6 | - | 百千万工程指挥部办公室 | 本年累计完成的典型镇村建设项目投资。
# 数字底座 — 政务外网 by level, 一网共享, cameras, platform accounts.
govnet_city_units | 市直单位数 | 个 | infrastructure | month | stock | sum | 2 | - | - | + | 0 | 1000 | - | 政务服务和数据管理局 | 应接入政务外网的市直单位数。
govnet_city_connected | 政务外网已接入市直单位数 | 个 | infrastructure | month | stock | sum | 2 | - | - | + | 0 | 1000 | - | 政务服务和数据管理局 | 月末已接入政务外网的市直单位数。
govnet_city_rate | 政务外网市直单位接入率 | % | infrastructure | month | stock | ratio | 2 | govnet_city_connected/govnet_city_units | 100 | + | 1 | 100 | - | 政务服务和数据管理局 | 已接入市直单位数 ÷ 市直单位数 × 100。
govnet_county_units | 县直单位数 | 个 | infrastructure | month | stock | sum | 3 | - | - | + | 0 | 1000 | - | 政务服务和数据管理局 | 应接入政务外网的县（市、区）直单位数。
govnet_county_connected | 政务外网已接入县直单位数 | 个 | infrastructure | month | stock | sum | 3 | - | - | + | 0 | 1000 | - | 政务服务和数据管理局 | 月末已接入政务外网的县（市、区）直单位数。
govnet_county_rate | 政务外网县直单位接入率 | % | infrastructure | month | stock | ratio | 3 | govnet_county_connected/govnet_county_units | 100 | + | 1 | 100 | - | 政务服务和数据管理局 | 已接入县直单位数 ÷ 县直单位数 × 100。
govnet_towns | 镇（街道）数 | 个 | infrastructure | month | stock | sum | 4 | - | - | + | 0 | 1 | - | 政务服务和数据管理局 | 每个镇（街道）计 1，作为政务外网镇级接入率的分母。
govnet_towns_connected | 政务外网已接入镇（街道） | 个 | infrastructure | month | stock | sum | 4 | - | - | + | 0 | 1 | - | 政务服务和数据管理局 | 月末已接入政务外网的镇（街道）计 1，否则计 0。
govnet_town_rate | 政务外网镇级接入率 | % | infrastructure | month | stock | ratio | 4 | govnet_towns_connected/govnet_towns | 100 | + | 1 | 100 | - | 政务服务和数据管理局 | 已接入镇（街道）数 ÷ 镇（街道）总数 × 100。
govnet_villages | 村（社区）数（政务外网） | 个 | infrastructure | month | stock | sum | 5 | - | - | + | 0 | 1 | - | 政务服务和数据管理局 | 每个村（社区）计 1，作为政务外网村级接入率的分母。
govnet_villages_connected | 政务外网已接入村（社区） | 个 | infrastructure | month | stock | sum | 5 | - | - | + | 0 | 1 | - | 政务服务和数据管理局 | 月末已接入政务外网的村（社区）计 1，否则计 0。
govnet_village_rate | 政务外网村级接入率 | % | infrastructure | month | stock | ratio | 5 | govnet_villages_connected/govnet_villages | 100 | + | 1 | 100 | - | 政务服务和数据管理局 | 已接入村（社区）数 ÷ 村（社区）总数 × 100。
data_collected | 数据归集量 | 万条 | infrastructure | month | flow | sum | 3 | - | - | + | 2 | 100000 | - | 政务服务和数据管理局 | 当月各部门向政务大数据中心归集的数据记录数（明细见 data_sharing 表）。
data_returned | 数据回流量 | 万条 | infrastructure | month | flow | sum | 3 | - | - | + | 2 | 100000 | - | 政务服务和数据管理局 | 当月省级回流至本地的数据记录数。
data_shared | 数据共享量 | 万条 | infrastructure | month | flow | sum | 3 | - | - | + | 2 | 100000 | - | 政务服务和数据管理局 | 当月通过共享交换平台向部门和镇村提供的数据记录数。
data_share_rate | 数据共享率 | % | infrastructure | month | flow | ratio | 3 | data_shared/data_collected | 100 | + | 1 | 100 | - | 政务服务和数据管理局 | 数据共享量 ÷ 数据归集量 × 100。
cameras_total | 视频监控点位数 | 个 | infrastructure | month | stock | sum | 4 | - | - | + | 0 | 100000 | - | 政务服务和数据管理局 | 月末辖区内已建成的公共视频监控点位数（含村级点位）。
cameras_online | 在线视频点位数 | 个 | infrastructure | month | stock | sum | 4 | - | - | + | 0 | 100000 | - | 政务服务和数据管理局 | 月末在线的视频监控点位数。
cameras_connected | 接入省视频共享平台点位数 | 个 | infrastructure | month | stock | sum | 4 | - | - | + | 0 | 100000 | - | 政务服务和数据管理局 | 月末已接入省视频共享平台的点位数。
camera_online_rate | 视频点位在线率 | % | infrastructure | month | stock | ratio | 4 | cameras_online/cameras_total | 100 | + | 1 | 100 | - | 政务服务和数据管理局 | 在线视频点位数 ÷ 视频监控点位数 × 100。
camera_connected_rate | 视频点位联网率 | % | infrastructure | month | stock | ratio | 4 | cameras_connected/cameras_total | 100 | + | 1 | 100 | - | 政务服务和数据管理局 | 接入省平台点位数 ÷ 视频监控点位数 × 100。
platform_accounts | 驾驶舱平台开通账号数 | 个 | infrastructure | month | stock | sum | 3 | - | - | + | 0 | 100000 | - | 政务服务和数据管理局 | 月末在百千万工程驾驶舱平台开通的县、镇、村用户账号数。
# 基层治理 — derived from the 矛盾纠纷·码上办 cases (dispute_case) of each village by data_access.governance:
# every flow figure counts the cases RECEIVED in the month, with their status as of the data time.
disputes_received | 矛盾纠纷受理数 | 件 | governance | month | flow | sum | 5 | - | - | + | 0 | 10000 | - | 市委政法委（综治中心） | 按受理月份统计：当月受理的矛盾纠纷案件数（码上办扫码、来访、电话、网格员各渠道合计）。
disputes_resolved | 矛盾纠纷化解数 | 件 | governance | month | flow | sum | 5 | - | - | + | 0 | 10000 | - | 市委政法委（综治中心） | 按受理月份统计：当月受理的案件中，截至数据时点状态为“已化解”的件数；在以后月份化解的，计入受理当月。
dispute_resolution_rate | 矛盾纠纷化解率 | % | governance | month | flow | ratio | 5 | disputes_resolved/disputes_received | 100 | + | 1 | 100 | - | 市委政法委（综治中心） | 按受理月份统计：化解数 ÷ 受理数 × 100，上级为 Σ化解数 ÷ Σ受理数；当月受理、尚未办结或未化解的案件计入分母。
disputes_resolved_on_time | 按期化解数 | 件 | governance | month | flow | sum | 5 | - | - | + | 0 | 10000 | - | 市委政法委（综治中心） | 按受理月份统计：当月受理的已化解案件中，化解日期不晚于办理期限的件数。
dispute_on_time_rate | 按期化解率 | % | governance | month | flow | ratio | 5 | disputes_resolved_on_time/disputes_resolved | 100 | + | 1 | 100 | - | 市委政法委（综治中心） | 按受理月份统计：按期化解数 ÷ 化解数 × 100（已化解案件中在办理期限内化解的比例）。
disputes_resolved_village | 村级化解数 | 件 | governance | month | flow | sum | 5 | - | - | + | 0 | 10000 | - | 市委政法委（综治中心） | 按受理月份统计：当月受理的已化解案件中，由村（社区）一级化解的件数。
dispute_village_share | 村级化解占比（小事不出村） | % | governance | month | flow | ratio | 5 | disputes_resolved_village/disputes_resolved | 100 | + | 1 | 100 | - | 市委政法委（综治中心） | 按受理月份统计：村级化解数 ÷ 化解数 × 100。
disputes_resolved_town | 镇级及以下化解数 | 件 | governance | month | flow | sum | 5 | - | - | + | 0 | 10000 | - | 市委政法委（综治中心） | 按受理月份统计：当月受理的已化解案件中，由村（社区）或镇（街道）化解的件数。
dispute_town_share | 镇级及以下化解占比（大事不出镇） | % | governance | month | flow | ratio | 5 | disputes_resolved_town/disputes_resolved | 100 | + | 1 | 100 | - | 市委政法委（综治中心） | 按受理月份统计：镇级及以下化解数 ÷ 化解数 × 100。
dispute_days | 化解用时合计 | 天 | governance | month | flow | sum | 5 | - | - | - | 1 | 1e6 | - | 市委政法委（综治中心） | 按受理月份统计：当月受理的已化解案件从受理到化解的天数（精确到 0.1 天）之和，作为平均化解天数的分子。
dispute_avg_days | 平均化解天数 | 天 | governance | month | flow | ratio | 5 | dispute_days/disputes_resolved | - | - | 1 | 1000 | - | 市委政法委（综治中心） | 按受理月份统计：化解用时合计 ÷ 化解数，上级为 Σ天数 ÷ Σ化解数（不对下级平均数再平均），越少越好。
dispute_ratings | 满意度评价数 | 件 | governance | month | flow | sum | 5 | - | - | + | 0 | 10000 | - | 市委政法委（综治中心） | 按受理月份统计：当月受理的案件中，当事群众作出满意度评价（1–5 分）的件数。
dispute_ratings_satisfied | 满意评价数 | 件 | governance | month | flow | sum | 5 | - | - | + | 0 | 10000 | - | 市委政法委（综治中心） | 按受理月份统计：满意度评价为 4 分或 5 分（满意、非常满意）的件数。
dispute_satisfaction | 群众满意率 | % | governance | month | flow | ratio | 5 | dispute_ratings_satisfied/dispute_ratings | 100 | + | 1 | 100 | - | 市委政法委（综治中心） | 按受理月份统计：满意评价数 ÷ 满意度评价数 × 100；未评价的案件不计入。
disputes_escalated | 重大纠纷上报数 | 件 | governance | month | flow | sum | 5 | - | - | - | 0 | 10000 | - | 市委政法委（综治中心） | 按受理月份统计：当月受理的案件中，上报县（市、区）或市处理的件数：状态为“已上报”，或由县级、市级化解。
disputes_open | 月末在办案件数 | 件 | governance | month | stock | sum | 5 | - | - | - | 0 | 10000 | - | 市委政法委（综治中心） | 按月末时点统计：月末之前受理、到月末仍未办结（未化解也未作未化解结案）的案件数，含已上报仍在办理的案件。
# 填表报数 — counted from submissions: the county itself and its towns and villages.
reports_expected | 应报表数 | 份 | reporting | month | flow | sum | 3 | - | - | + | 0 | 1e6 | - | 百千万工程指挥部办公室 | 报告期在当月结束的各类报表中，本县（市、区）及所辖镇村应填报的份数。
reports_submitted | 已报表数 | 份 | reporting | month | flow | sum | 3 | - | - | + | 0 | 1e6 | - | 百千万工程指挥部办公室 | 应报表中截至数据时点已提交的份数（含逾期提交）。
reports_on_time | 按时报送表数 | 份 | reporting | month | flow | sum | 3 | - | - | + | 0 | 1e6 | - | 百千万工程指挥部办公室 | 应报表中在截止日期当天或之前提交的份数。
reports_overdue | 逾期及未报表数 | 份 | reporting | month | flow | sum | 3 | - | - | - | 0 | 1e6 | - | 百千万工程指挥部办公室 | 应报表数减按时报送表数：逾期提交、逾期未报及截至数据时点尚未报送的份数，越少越好。
report_completeness | 报表完整率 | % | reporting | month | flow | ratio | 3 | reports_submitted/reports_expected | 100 | + | 1 | 100 | - | 百千万工程指挥部办公室 | 已报表数 ÷ 应报表数 × 100。
report_timeliness | 报表及时率 | % | reporting | month | flow | ratio | 3 | reports_on_time/reports_expected | 100 | + | 1 | 100 | - | 百千万工程指挥部办公室 | 按时报送表数 ÷ 应报表数 × 100。
"""


def _parse(table: str) -> tuple[IndicatorDef, ...]:
    """Definitions from :data:`_TABLE`, numbered in order (sort_order 10, 20, …)."""
    out = []
    for line in table.strip().splitlines():
        if line.startswith("#"):
            continue
        code, name, unit, theme, freq, vtype, agg, level, ref, factor, sign, dec, top, star, dept, text = (
            f.strip() for f in line.split(" | ")
        )
        num, den, weight = None, None, None
        if agg == "ratio":
            num, den = ref.split("/")
        elif agg == "weighted_mean":
            weight = ref
        out.append(
            IndicatorDef(
                code, name, unit, theme, text, dept, freq, vtype, agg, int(level),
                numerator=num, denominator=den, weight=weight,
                factor=1.0 if factor == "-" else float(factor), direction=1 if sign == "+" else -1,
                decimals=int(dec), max_value=float(top), sort_order=10 * (len(out) + 1), headline=star == "*",
            )
        )  # fmt: skip
    return tuple(out)


CATALOGUE: tuple[IndicatorDef, ...] = _parse(_TABLE)
BY_CODE: dict[str, IndicatorDef] = {d.code: d for d in CATALOGUE}


def stored() -> list[IndicatorDef]:
    """Indicators that hold observations (everything except ratios)."""
    return [d for d in CATALOGUE if not d.derived]


def load_catalogue(conn: Connection) -> int:
    """Insert or update every definition inside the caller's transaction; returns how many."""
    rows = [asdict(d) for d in CATALOGUE]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(indicator)
    columns = [c.name for c in indicator.columns if c.name != "code"]
    upsert = stmt.on_conflict_do_update(index_elements=["code"], set_={c: stmt.excluded[c] for c in columns})
    conn.execute(upsert, rows)
    return len(rows)
