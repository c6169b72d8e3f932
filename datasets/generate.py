"""Seeded generator of labelled SMS that adds variety on top of the hand-written core.

The hand-written messages are the reference; these messages widen the slots (courts, case
numbers, names, amounts, brands, links, phone numbers) and the surface (disguises) so a
model does not learn one author's habits.  Templates are data (``datasets/templates``):
each family has alternative openings, bodies and closings, optional and reordered parts,
and inline choices ``[a|b|]``, so two messages of one family differ in wording as well as
slots.  Everything is drawn from ``random.Random`` seeded per label: no global random
state, no clock, stable iteration order, hence byte-identical output for a given seed.

Template syntax: a part is a string, a list of alternatives,
``{"p": 0.4, "alts": [...]}`` (optional) or ``{"shuffle": [part, ...]}`` (random order);
``@name`` as a whole alternative stands for every alternative of pool ``name``, inside a
string for one of them; ``[a|b|]``
picks one inline; ``{slot}`` or ``{slot:arg}`` is filled by :class:`_Message`.  A family
may list ``variants``: bundles of ``sender``/``parts`` that must agree with each other.
"""

from __future__ import annotations

import csv
import json
import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
DATA = HERE.parent / "smsclf" / "data"
LABELS = ("genuine", "fake", "unrelated")
#: Share of messages that get a disguise (labelling rule 9: a disguise never changes the label).
DISGUISE_RATE = {"genuine": 0.08, "fake": 0.25, "unrelated": 0.08}
#: Case years: most messages are about recent cases.
YEARS = list(range(2016, 2027))
YEAR_WEIGHTS = [1, 1, 1, 1, 2, 2, 3, 4, 6, 10, 14]
SHORT, LONG = 30, 150

_INLINE = re.compile(r"\[([^\[\]]*)\]")
_POOL_REF = re.compile(r"@([a-z_]+)")
_SLOT = re.compile(r"\{([a-z_0-9]+)(?::([^{}]+))?\}")


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class CourtRow:
    code: str
    name: str
    level: str
    special: str
    province: str
    names: tuple[str, ...]  # display names that point to this court and no other
    city: str


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


_CITY = re.compile(r"^(?:.{2,8}?(?:省|自治区))?([^省市区县]{2,4}?)市")


@lru_cache(maxsize=1)
def _courts() -> dict[str, list[CourtRow]]:
    """Courts grouped by kind; only names that identify one court are kept for display."""
    rows = _read_tsv(DATA / "courts.tsv")
    area_codes = _load()[0]["values"]["area_codes"]
    owners: dict[str, set[str]] = {}
    for row in rows:
        for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
            owners.setdefault(name, set()).add(row["code"])
    groups: dict[str, list[CourtRow]] = {}
    for row in sorted(rows, key=lambda r: r["code"]):
        aliases = [a for a in row["aliases"].split("|") if a.endswith("人民法院")]
        names = tuple(n for n in [row["name"], *aliases] if owners.get(n) == {row["code"]})
        if not names:
            continue
        cities = [m.group(1) for n in [row["name"], *row["aliases"].split("|")]
                  if (m := _CITY.match(n))]
        known = [c for c in cities if c in area_codes]
        city = (known or cities or [""])[0]
        court = CourtRow(row["code"], row["name"], row["level"], row["special"],
                         row["province"], names, city)
        kind = {"internet": "internet", "ip": "ip", "financial": "financial"}.get(row["special"])
        if kind is None:
            if row["level"] == "basic" and row["special"] in ("", "zone", "numbered"):
                kind = "basic"
            elif row["level"] == "intermediate" and row["special"] == "":
                kind = "intermediate"
            elif row["level"] == "high" and row["special"] == "":
                kind = "high"
            else:
                continue
        groups.setdefault(kind, []).append(court)
    return groups


@lru_cache(maxsize=1)
def _case_types() -> dict[str, frozenset[str]]:
    """Type code -> court levels where it may occur (``smsclf/data/case_types.tsv``)."""
    rows = _read_tsv(DATA / "case_types.tsv")
    return {r["code"]: frozenset(r["levels"].split("|")) for r in rows}


@lru_cache(maxsize=1)
def _homophones() -> dict[str, list[str]]:
    """Canonical word -> its variants, longest canonical words first."""
    table: dict[str, list[str]] = {}
    for row in _read_tsv(DATA / "homophones.tsv"):
        table.setdefault(row["canonical"], []).append(row["variant"])
    return dict(sorted(table.items(), key=lambda kv: (-len(kv[0]), kv[0])))


@lru_cache(maxsize=1)
def _load() -> tuple[dict, dict[str, list[dict]]]:
    common = json.loads((TEMPLATES / "common.json").read_text(encoding="utf-8"))
    families = {
        label: json.loads((TEMPLATES / f"{label}.json").read_text(encoding="utf-8"))["families"]
        for label in LABELS
    }
    return common, families


def families() -> dict[str, list[dict]]:
    """The template families per label, as written in ``templates/<label>.json``."""
    return _load()[1]


# --------------------------------------------------------------------------- slots


def _weighted(rng: random.Random, items: list, decay: float = 0.6):
    """Pick from a list ordered by frequency (Zipf-like weights)."""
    return rng.choices(items, weights=[1 / (i + 1) ** decay for i in range(len(items))])[0]


def _alnum(rng: random.Random, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _serial(rng: random.Random) -> str:
    """A case serial: 1-5 digits, no leading zero, small numbers less common."""
    digits = rng.choices([1, 2, 3, 4, 5], weights=[2, 6, 14, 30, 26])[0]
    return str(rng.randint(10 ** (digits - 1) if digits > 1 else 1, 10**digits - 1))


class _Message:
    """Fills the slots of one message; every slot is drawn once and then reused."""

    def __init__(self, rng: random.Random, common: dict, family: dict) -> None:
        self.rng = rng
        self.v = common["values"]
        self.family = family
        self.cache: dict[str, str] = {}
        self.year = rng.choices(YEARS, weights=YEAR_WEIGHTS)[0]
        self._court: CourtRow | None = None
        self._lender: dict | None = None
        self._bank: dict | None = None

    # -- plumbing
    def get(self, name: str, arg: str | None) -> str:
        key = f"{name}:{arg}" if arg else name
        if key not in self.cache:
            fn: Callable[[str | None], str] | None = getattr(self, f"s_{name}", None)
            if fn is None:
                if name in self.v:
                    self.cache[key] = self.rng.choice(self.v[name])
                else:
                    raise KeyError(f"unknown slot {{{name}}} in {self.family['id']}")
            else:
                self.cache[key] = fn(arg)
        return self.cache[key]

    # -- people
    def _person(self) -> tuple[str, str]:
        surname = _weighted(self.rng, self.v["surnames"], 0.7)
        chars = self.v["given_chars"]
        given = "".join(self.rng.choice(chars) for _ in range(self.rng.choice([1, 2, 2, 2])))
        return surname, given

    def s_name(self, arg: str | None) -> str:
        surname, given = self._person()
        self.cache.setdefault("_surname" + (arg or ""), surname)
        self.cache.setdefault("_given" + (arg or ""), given)
        return surname + given

    def s_who(self, arg: str | None) -> str:
        """How a message addresses its reader: full, masked or polite form."""
        full = self.get("name", arg)
        surname, given = self.cache["_surname" + (arg or "")], self.cache["_given" + (arg or "")]
        forms = [full, full, f"{surname}**", f"{surname}*{given[-1]}", f"{surname}某",
                 f"{surname}某某", f"{surname}{self.rng.choice(['先生', '女士'])}"]
        return self.rng.choice(forms)

    def s_clerk(self, arg: str | None) -> str:
        return _weighted(self.rng, self.v["surnames"], 0.7) + self.rng.choice(["某", "某某"])

    def s_surname(self, arg: str | None) -> str:
        return _weighted(self.rng, self.v["surnames"], 0.7)

    def s_judge(self, arg: str | None) -> str:
        s, g = self._person()
        return s + g

    def s_agent(self, arg: str | None) -> str:
        s = _weighted(self.rng, self.v["surnames"], 0.7)
        return s + self.rng.choice(["专员", "经理", "主管", "律师", "老师", "调解员", "先生"])

    # -- courts and case numbers
    def court_row(self) -> CourtRow:
        if self._court is None:
            groups = _courts()
            kind = self.family.get("court", "any")
            if kind == "any":
                kind = self.rng.choices(["basic", "intermediate", "internet"], [80, 15, 5])[0]
            elif kind not in groups:
                kind = "basic"
            pool = groups[kind]
            if kind == "basic":
                weights = [(3 if "区" in c.name else 1) * (2 if c.city in self.v["area_codes"]
                                                          else 1) for c in pool]
                self._court = self.rng.choices(pool, weights=weights)[0]
            else:
                self._court = self.rng.choice(pool)
        return self._court

    def s_court(self, arg: str | None) -> str:
        names = self.court_row().names
        return names[0] if len(names) == 1 or self.rng.random() < 0.75 else self.rng.choice(names)

    def s_court2(self, arg: str | None) -> str:
        """Another court of the same province and level (transfers)."""
        own = self.court_row()
        same = [c for c in _courts()["basic" if own.level == "basic" else "intermediate"]
                if c.province == own.province and c.code != own.code]
        return self.rng.choice(same).names[0] if same else "上级人民法院"

    def s_city(self, arg: str | None) -> str:
        return self.court_row().city or self.rng.choice(sorted(self.v["area_codes"]))

    def _landline(self, area: str) -> str:
        n = 8 if len(area) == 3 or self.rng.random() < 0.8 else 7
        num = str(self.rng.randint(2, 8)) + "".join(self.rng.choice(string.digits)
                                                    for _ in range(n - 1))
        sep = self.rng.choice(["-", "-", "", " "])
        return f"{area}{sep}{num}"

    def s_court_phone(self, arg: str | None) -> str:
        area = self.v["area_codes"].get(self.court_row().city)
        if area is None:
            return "12368"
        return self.rng.choice([self._landline(area), self._landline(area), f"{area}-12368"])

    def s_landline(self, arg: str | None) -> str:
        area = self.v["area_codes"].get(self.get("city", None)) or "010"
        return self._landline(area)

    def _type(self, wanted: str | None) -> str:
        level = self.court_row().level
        ok = _case_types()
        options = [wanted] if wanted else self.family.get("types", ["民初"])
        allowed = [t for t in options if level in ok.get(t, ())]
        if not allowed:
            raise ValueError(f"{self.family['id']}: no type of {options} at a {level} court")
        return self.rng.choice(allowed)

    def _case(self, code: str, type_code: str, year: int, serial: str | None = None) -> str:
        r = self.rng
        o, c = r.choices([("（", "）"), ("(", ")")], weights=[3, 2])[0]
        sp = [""] * 4
        if r.random() < 0.06:
            sp[r.randrange(4)] = " "
        serial = serial or _serial(r)
        return f"{o}{year}{c}{sp[0]}{code}{sp[1]}{type_code}{sp[2]}{serial}{sp[3]}号"

    def s_case(self, arg: str | None) -> str:
        """A valid case number of the message's court, of the given or the family's type."""
        return self._case(self.court_row().code, self._type(arg), self.year)

    def s_prior(self, arg: str | None) -> str:
        """An earlier case of the same court (the judgment an enforcement case rests on)."""
        year = max(2016, self.year - self.rng.choice([0, 1, 1, 2]))
        return self._case(self.court_row().code, self._type(arg), year)

    def s_year(self, arg: str | None) -> str:
        return str(self.year)

    def s_bad_case(self, arg: str | None) -> str:
        """A case number that is invalid in one of the ways the labelling rules list."""
        r = self.rng
        kinds = arg.split("|") if arg else self.family.get("bad_kinds") or [
            "old_form", "made_up_type", "non_code_abbr", "appeal_at_basic", "other_court",
            "future_year", "leading_zero", "bare_digits"]
        kind = r.choice(kinds)
        court = self.court_row()
        year = self.year
        if kind == "old_form":
            short = court.names[0].replace("人民法院", "")[-3:-1] if r.random() < 0.4 else ""
            prefix = short or court.code
            return self._case(prefix, r.choice(["民初字第", "民初字第", "执字第", "民保字第"]),
                              max(year, 2016))
        if kind == "made_up_type":
            return self._case(court.code, r.choice(self.v["made_up_types"]), year)
        if kind == "non_code_abbr":
            abbr = r.choice(["蒙", "贵", "滇", "陇", "蜀", "秦"])
            digits = f"{r.randint(1, 15):02d}" + (f"{r.randint(1, 30):02d}" if r.random() < .6
                                                    else "")
            return self._case(abbr + digits, r.choice(["民初", "执", "民诉前调"]), year)
        if kind == "appeal_at_basic":
            basic = court if court.level == "basic" else r.choice(_courts()["basic"])
            return self._case(basic.code, "民终", year)
        if kind == "other_court":
            others = [c for c in _courts()["basic"] if c.province != court.province]
            return self._case(r.choice(others).code, "民初", year)
        if kind == "future_year":
            return self._case(court.code, r.choice(["民初", "执"]), r.randint(2027, 2030))
        if kind == "leading_zero":  # padding was usual in old-form and 2016 numbers only
            return self._case(court.code, r.choice(["民初", "执", "民督"]), max(year, 2017),
                              "0" * r.randint(1, 3) + str(r.randint(1, 999)))
        digits = str(year) + "".join(r.choice(string.digits) for _ in range(r.randint(6, 10)))
        label = r.choice(["案件编号：", "案件编号", "案号：", "立案编号：", "案件号", "诉讼编号："])
        return label + r.choice([digits, "AJ" + digits, digits[:4] + "-" + digits[4:]])

    def s_fake_court(self, arg: str | None) -> str:
        """A court that does not exist or is named wrongly (DOMAIN §2.4)."""
        r = self.rng
        court = self.court_row()
        county = [c for c in _courts()["basic"] if c.name.endswith("县人民法院")]
        city = court.city or "北京"
        forms = [
            r.choice(county).name.replace("人民法院", "中级人民法院"),
            f"{city}市人民法院执行局", f"{city}法院执行中心", f"{city}市法院诉讼部",
            f"{city}法院传票中心", "全国网络法院", "互联网仲裁法院", "金融法院调解中心",
            "最高人民法院网贷专案组", f"{city}市人民法院", "人民法院", "法院送达中心",
            f"{city}市第九中级人民法院", "中国网贷纠纷法院", "法院执行局",
        ]
        return r.choice(forms)

    # -- dates, amounts
    def s_date(self, arg: str | None) -> str:
        r = self.rng
        year = min(2026, self.year + r.choice([0, 0, 1]))
        month, day = r.randint(1, 12), r.randint(1, 28)
        form = r.choice(["{y}年{m}月{d}日", "{m}月{d}日", "{m}月{d}日", "{y}年{m}月{d}日"])
        return form.format(y=year, m=month, d=day)

    def s_time(self, arg: str | None) -> str:
        r = self.rng
        h = r.choice([8, 9, 9, 9, 10, 10, 11, 14, 14, 15, 15, 16])
        mi = r.choice([0, 0, 0, 30, 30, 15, 45])
        noon = "上午" if h < 12 else "下午"
        forms = [f"{h}时" if not mi else f"{h}时{mi}分", f"{h}:{mi:02d}",
                 f"{noon}{h if h <= 12 else h - 12}:{mi:02d}", f"{h}点" if not mi else f"{h}点半"
                 if mi == 30 else f"{h}:{mi:02d}"]
        return r.choice(forms)

    def s_hour(self, arg: str | None) -> str:
        h = self.rng.choice([12, 15, 16, 17, 18, 18, 20, 21, 22, 24])
        return self.rng.choice([f"{h}点", f"{h}:00", f"{h}时"])

    def _money(self, lo: float, hi: float) -> str:
        r = self.rng
        value = round(10 ** r.uniform(lo, hi), 2)
        if r.random() < 0.4:
            value = float(round(value))
        whole = value == int(value)
        body = (f"{int(value):,}" if r.random() < 0.6 else str(int(value))) if whole else (
            f"{value:,.2f}" if r.random() < 0.6 else f"{value:.2f}")
        return r.choice([f"{body}元", f"{body}元", f"¥{body}", f"人民币{body}元", f"{body}元整"
                         if whole else f"{body}元"])

    def s_amount(self, arg: str | None) -> str:
        return self._money(2.8, 5.2)

    def s_amount_big(self, arg: str | None) -> str:
        return self._money(4.0, 6.3)

    def s_fee(self, arg: str | None) -> str:
        v = self.rng.choice([50, 100, 200, 300, 500, 680, 800, 1000, 1200, 1500, 2000, 2680,
                             3000, 5000])
        return self.rng.choice([f"{v}元", f"{v:,}元", f"¥{v}", f"{v}.00元"])

    def s_court_fee(self, arg: str | None) -> str:
        return self._money(1.7, 4.0)

    def s_days(self, arg: str | None) -> str:
        return str(self.rng.choice([3, 5, 7, 9, 12, 15, 18, 23, 30, 31, 45, 47, 60, 62, 75, 90,
                                    93, 120, 150, 180, 210, 270, 365, 400]))

    def s_tail(self, arg: str | None) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(4))

    def s_code(self, arg: str | None) -> str:
        n = int(arg) if arg else self.rng.choice([4, 6, 6])
        return str(self.rng.randint(10 ** (n - 1), 10**n - 1))

    def s_num(self, arg: str | None) -> str:
        lo, hi = (int(x) for x in (arg or "1-9").split("-"))
        return str(self.rng.randint(lo, hi))

    def s_room(self, arg: str | None) -> str:
        n = self.rng.randint(1, 24)
        cn = "一二三四五六七八九十"
        word = cn[n - 1] if n <= 10 else ("十" + cn[n - 11] if n < 20 else "二十" + (
            cn[n - 21] if n > 20 else ""))
        return self.rng.choice([f"第{word}法庭", f"第{n}法庭", f"第{word}审判庭", f"{n}号法庭"])

    # -- creditors
    def lender(self) -> dict:
        if self._lender is None:
            self._lender = self.rng.choice(self.v["lenders"])
        return self._lender

    def bank(self) -> dict:
        if self._bank is None:
            self._bank = _weighted(self.rng, self.v["banks"], 0.3)
        return self._bank

    def s_lender(self, arg: str | None) -> str:
        return self.lender()["brand"]

    def s_lender_co(self, arg: str | None) -> str:
        return self.lender()["company"] or self.lender()["brand"]

    def s_lender_app(self, arg: str | None) -> str:
        return self.lender()["app"]

    def s_lender_contact(self, arg: str | None) -> str:
        """The lender's own channel: its 95/400 number if it has one, else its app."""
        lender = self.lender()
        if lender["tel"] and self.rng.random() < 0.75:
            return self.rng.choice(["客服", "官方客服", "客服热线", "客服电话"]) + lender["tel"]
        return self.rng.choice(["官方APP内在线客服", f"{lender['app']}在线客服",
                                f"{lender['app']}“我的-客服”"])

    def s_bank(self, arg: str | None) -> str:
        return self.bank()["name"]

    def s_bank_co(self, arg: str | None) -> str:
        return self.bank()["company"]

    def s_bank_tel(self, arg: str | None) -> str:
        return self.bank()["tel"]

    def s_bank_card_co(self, arg: str | None) -> str:
        return self.bank()["card_center"] or self.bank()["company"]

    def s_plaintiff(self, arg: str | None) -> str:
        r = self.rng
        kind = r.choices(["lender", "bank", "company", "person"], [4, 4, 2, 2])[0]
        if kind == "lender" and not self.lender()["company"]:
            kind = "bank"
        self.cache["_plaintiff_kind"] = kind
        if kind == "lender":
            return self.lender()["company"]
        if kind == "bank":
            return self.s_bank_card_co(None)
        if kind == "company":
            return self.get("company", "p")
        return self.get("name", "p")

    def s_cause(self, arg: str | None) -> str:
        """The cause of action (案由), plausible for who the plaintiff is."""
        self.get("plaintiff", None)
        return self.rng.choice(self.v["causes"][self.cache["_plaintiff_kind"]])

    def s_company(self, arg: str | None) -> str:
        return self.rng.choice(self.v["company_heads"]) + self.rng.choice(self.v["company_tails"])

    def s_firm(self, arg: str | None) -> str:
        firm = self.rng.choice(self.v["law_firms"])
        self.cache["_firm_area"] = firm[1]
        return firm[0]

    def s_firm_phone(self, arg: str | None) -> str:
        self.get("firm", None)
        return self._landline(self.cache["_firm_area"])

    def s_arb(self, arg: str | None) -> str:
        arb = self.rng.choice(self.v["arbitration"])
        self.cache["_arb"] = json.dumps(arb, ensure_ascii=False)
        return arb["name"]

    def s_arb_no(self, arg: str | None) -> str:
        self.get("arb", None)
        arb = json.loads(self.cache["_arb"])
        o, c = self.rng.choice([("（", "）"), ("(", ")")])
        return f"{o}{self.year}{c}{arb['prefix']}第{_serial(self.rng)}号"

    def s_arb_phone(self, arg: str | None) -> str:
        self.get("arb", None)
        return self._landline(json.loads(self.cache["_arb"])["area"])

    # -- links
    def s_link(self, arg: str | None) -> str:
        """An official service link that fits the court's province."""
        r = self.rng
        prov = self.court_row().province
        options = ["zxfw", "zxfw", "jysd"]
        if prov == "粤":
            options += ["gdems", "gdems"]
        if prov == "鄂":
            options += ["hbfy", "hbfy"]
        if prov == "川":
            options += ["cdfy"]
        return self.get("link_" + r.choice(options), None)

    def _http(self) -> str:
        return self.rng.choice(["https://", "https://", "http://", ""])

    def s_link_zxfw(self, arg: str | None) -> str:
        r, hx = self.rng, "0123456789abcdef"
        return (f"https://zxfw.court.gov.cn/zxfw/#/pagesAjkj/app/wssd/index?qdbh="
                f"{_alnum(r, r.choice([16, 20, 24]), hx)}&sdbh={_alnum(r, r.choice([16, 20]), hx)}"
                f"&sdsin={_alnum(r, 12, hx)}")

    def s_link_jysd(self, arg: str | None) -> str:
        return f"{self._http()}jysd.10102368.com/sd?key={_alnum(self.rng, 16)}"

    def s_link_gdems(self, arg: str | None) -> str:
        return f"{self._http()}sd.gdems.com/v3/dzsd/{_alnum(self.rng, 12)}"

    def s_link_hbfy(self, arg: str | None) -> str:
        return f"{self._http()}dzsd.hbfy.gov.cn/hb/msg={_alnum(self.rng, 10)}"

    def s_link_cdfy(self, arg: str | None) -> str:
        return (f"https://sfpt.cdfy12368.gov.cn/sfsdw//r/{_alnum(self.rng, 8)} 验证码"
                f"{self.get('code', '4')}")

    def s_fake_link(self, arg: str | None) -> str:
        r = self.rng
        host = r.choice(self.v["fake_hosts"])
        path = r.choice(["", "/" + _alnum(r, r.randint(4, 8)), "/c/" + _alnum(r, 5),
                         "/sd?id=" + _alnum(r, 8)])
        if host.endswith("/"):
            host, path = host[:-1], "/" + _alnum(r, 6)
        return self._http() + host + path

    # -- private channels (fakes)
    def s_mobile(self, arg: str | None) -> str:
        r = self.rng
        num = r.choice(self.v["mobile_prefixes"]) + "".join(r.choice(string.digits)
                                                            for _ in range(8))
        form = r.choices(["plain", "space", "dash"], [6, 2, 1])[0]
        if form == "space":
            return f"{num[:3]} {num[3:7]} {num[7:]}"
        if form == "dash":
            return f"{num[:3]}-{num[3:7]}-{num[7:]}"
        return num

    def s_wechat(self, arg: str | None) -> str:
        r = self.rng
        head = r.choice(["fw", "tj", "fwb", "hk", "cs", "law", "zx", "kf", "dh", "sf"])
        return r.choice([f"{head}_{_alnum(r, 4, string.ascii_lowercase)}{r.randint(10, 9999)}",
                         f"{_alnum(r, 5, string.ascii_lowercase)}{r.randint(100, 99999)}",
                         f"{head}{r.randint(1000, 999999)}"])

    def s_qq(self, arg: str | None) -> str:
        return str(self.rng.randint(10_000_000, 3_999_999_999))

    def s_card(self, arg: str | None) -> str:
        r = self.rng
        digits = r.choice(["6222", "6217", "6228", "6212", "6214", "6230", "6226"]) + "".join(
            r.choice(string.digits) for _ in range(r.choice([12, 15])))
        if r.random() < 0.5:
            return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))
        return digits

    def s_app(self, arg: str | None) -> str:
        return self.rng.choice(self.v["fake_apps"])

    def s_hometown(self, arg: str | None) -> str:
        return self.rng.choice(self.v["hometowns"])


# --------------------------------------------------------------------------- rendering


def _expand(alts: list, pools: dict[str, list]) -> list:
    out: list = []
    for a in alts:
        if isinstance(a, str) and a.startswith("@") and a[1:] in pools:
            out.extend(pools[a[1:]])
        else:
            out.append(a)
    return out


def _render_part(part, rng: random.Random, pools: dict[str, list]) -> str:
    if isinstance(part, str):
        return _POOL_REF.sub(lambda m: _render_part(pools[m.group(1)], rng, pools), part)
    if isinstance(part, list):
        return _render_part(rng.choice(_expand(part, pools)), rng, pools)
    if "shuffle" in part:
        pieces = list(part["shuffle"])
        rng.shuffle(pieces)
        return "".join(_render_part(p, rng, pools) for p in pieces)
    if rng.random() < part["p"]:
        return _render_part(part["alts"], rng, pools)
    return ""


def _fill(text: str, msg: _Message) -> str:
    while True:
        new = _INLINE.sub(lambda m: msg.rng.choice(m.group(1).split("|")), text)
        if new == text:
            break
        text = new
    return _SLOT.sub(lambda m: msg.get(m.group(1), m.group(2)), text)


def _render(family: dict, rng: random.Random, common: dict) -> tuple[str, list[str]]:
    if "variants" in family:  # bundles whose sender and parts must agree with each other
        family = {**family, **rng.choice(family["variants"])}
    pools = {**common["pools"], **family.get("pools", {})}
    msg = _Message(rng, common, family)
    body = "".join(_render_part(p, rng, pools) for p in family["parts"])
    senders = family.get("sender")
    pos = "none"
    if senders:
        weights = family.get("pos", [70, 20, 10])
        pos = rng.choices(["start", "end", "none"], weights=weights)[0]
    if pos == "start":
        text = f"【{rng.choice(_expand(senders, pools))}】{body}"
    elif pos == "end":
        signs = _expand(family.get("sign", []), pools)
        if signs and rng.random() < 0.6:
            sign = rng.choice(signs)
        else:
            sign = rng.choice(["【{s}】", "【{s}】", "——{s}", "{s}"]).format(
                s=rng.choice(_expand(senders, pools)))
        sep = "" if sign.startswith(("【", "——")) or body.endswith(("。", "！", "？", " ")) else " "
        text = f"{body}{sep}{sign}"
    else:
        text = body
    text = _fill(text, msg)
    text = re.sub(r"([，。；：！？])\1+", r"\1", text).replace("，。", "。").replace("：，", "：")
    text = text.replace("，——", "。——")
    text = re.sub(r"，(\s*)$", r"。\1", text.strip())
    tags = list(family["tags"])
    if senders or pos != "none":
        tags.append({"start": "sender_start", "end": "sender_end", "none": "no_sender"}[pos])
    elif not family.get("no_sender_tag"):
        tags.append("no_sender")
    return text.strip(), tags


# --------------------------------------------------------------------------- disguises


_KEYWORDS = ("人民法院", "法院", "起诉", "诉讼", "传票", "执行", "立案", "逾期", "冻结", "律师",
             "征信", "拘留", "微信", "公安", "坐牢", "欠款", "还款", "仲裁", "案件", "通讯录",
             "家人", "开庭", "判决", "失信", "黑名单", "催收", "法务", "撤诉", "保证金", "账户",
             "验证码", "限高", "强制", "上门", "逮捕", "调解", "送达", "借款", "贷款", "优惠")
_SEPARATORS = (" ", "*", "_", "-", ".", "·", "|", "~", "/")
_EMOJI = ("🔺", "⭐", "💥", "❗", "🔥", "✨", "👉", "📢", "⚡", "💰")
_FULLWIDTH = str.maketrans("0123456789()", "０１２３４５６７８９（）")


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def _split_keywords(text: str, rng: random.Random, joiner: Callable[[], str]) -> str:
    present = [k for k in _KEYWORDS if k in text]
    if not present:
        cjk = [i for i in range(len(text) - 1) if "\u4e00" <= text[i] <= "\u9fff"
               and "\u4e00" <= text[i + 1] <= "\u9fff"]
        if not cjk:
            return text
        i = rng.choice(cjk)
        return text[: i + 1] + joiner() + text[i + 1:]
    for word in rng.sample(present, min(len(present), rng.randint(1, 3))):
        spaced = joiner().join(word) if rng.random() < 0.5 else word[0] + joiner() + word[1:]
        text = text.replace(word, spaced, rng.randint(1, 2))
    return text


def _disguise(text: str, label: str, rng: random.Random) -> tuple[str, str]:
    """Apply one disguise; return the new text and its tag."""
    if label == "fake":
        kinds, weights = ["sep", "zw", "trad", "full", "homo", "emoji"], [30, 10, 20, 15, 15, 10]
    elif label == "genuine":
        kinds, weights = ["trad", "full", "sep"], [45, 45, 10]
    else:
        kinds, weights = ["trad", "full", "sep", "zw"], [45, 40, 10, 5]
    kind = rng.choices(kinds, weights)[0]
    if kind == "full" and not re.search(r"[0-9()]", text):
        kind = "trad"
    if kind == "trad":
        new = _s2t().convert(text)
        if new != text:
            return new, "traditional"
        kind = "sep"
    if kind == "full":
        # Links and ids keep their ASCII form: only prose digits and brackets are widened.
        parts = re.split(r"([A-Za-z0-9:/?=&#._%+-]*[A-Za-z][A-Za-z0-9:/?=&#._%+-]*)", text)
        return "".join(p if i % 2 else p.translate(_FULLWIDTH)
                       for i, p in enumerate(parts)), "fullwidth_digits"
    if kind == "homo":
        present = [c for c in _homophones() if c in text]
        if present:
            word = rng.choice(present[:6])
            return text.replace(word, rng.choice(_homophones()[word]), 1), "obfuscated"
        kind = "sep"
    if kind == "zw":
        return _split_keywords(text, rng, lambda: "\u200b"), "obfuscated"
    if kind == "emoji":
        return _split_keywords(text, rng, lambda: rng.choice(_EMOJI)), "obfuscated"
    sep = rng.choice(_SEPARATORS)
    return _split_keywords(text, rng, lambda: sep), "obfuscated"


# --------------------------------------------------------------------------- API


def generate(n_per_label: dict[str, int], seed: int) -> list[dict]:
    """``n_per_label[label]`` messages per label, ids ``gen-<label>-00001`` in order.

    Each label has its own ``random.Random`` seeded from ``seed`` and the label, so the
    messages of one label do not change when another label's count does.
    """
    common, fams = _load()
    records: list[dict] = []
    for label in LABELS:
        n = n_per_label.get(label, 0)
        rng = random.Random(f"smsclf-{seed}-{label}")
        pool = fams[label]
        weights = [f.get("weight", 1.0) for f in pool]
        for i in range(1, n + 1):
            family = rng.choices(pool, weights=weights)[0]
            text, tags = _render(family, rng, common)
            if rng.random() < DISGUISE_RATE[label]:
                text, tag = _disguise(text, label, rng)
                tags.append(tag)
            if len(text) < SHORT:
                tags.append("short")
            elif len(text) >= LONG:
                tags.append("long")
            records.append({"id": f"gen-{label}-{i:05d}", "text": text, "label": label,
                            "source": "generated", "family": family["id"], "tags": tags})
    return records


def main() -> None:
    """Print a few messages per label (for reading the templates' output)."""
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--family", default="")
    args = ap.parse_args()
    if args.family:
        label = args.family.split("-")[1]
        fam = next(f for f in families()[label] if f["id"] == args.family)
        common = _load()[0]
        rng = random.Random(args.seed)
        for _ in range(args.n):
            print(_render(fam, rng, common))
        return
    for rec in generate({label: args.n for label in LABELS}, args.seed):
        print(json.dumps(rec, ensure_ascii=False))


if __name__ == "__main__":
    main()
