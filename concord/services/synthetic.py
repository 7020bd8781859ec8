"""Synthetic people from many locales, for the demo and the benchmarks.

Faker supplies the names in each locale's own script; they are drawn once into
pools and then combined by a seeded random generator, so a million people take
seconds and the same seed gives the same people.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from faker import Faker

# locale -> (country, a few real places of birth)
LOCALES: dict[str, tuple[str, tuple[str, ...]]] = {
    "fr_FR": ("FRA", ("Paris", "Lyon", "Marseille", "Lille")),
    "de_DE": ("DEU", ("Berlin", "Hamburg", "München", "Köln")),
    "es_ES": ("ESP", ("Madrid", "Barcelona", "Sevilla", "Valencia")),
    "it_IT": ("ITA", ("Roma", "Milano", "Napoli", "Palermo")),
    "pl_PL": ("POL", ("Warszawa", "Kraków", "Łódź", "Gdańsk")),
    "en_GB": ("GBR", ("London", "Manchester", "Glasgow", "Cardiff")),
    "en_US": ("USA", ("New York", "Chicago", "Houston", "Miami")),
    "es_MX": ("MEX", ("Ciudad de México", "Guadalajara", "Monterrey", "Tijuana")),
    "es_CO": ("COL", ("Bogotá", "Medellín", "Cali", "Barranquilla")),
    "pt_BR": ("BRA", ("São Paulo", "Rio de Janeiro", "Salvador", "Recife")),
    "en_NG": ("NGA", ("Lagos", "Abuja", "Kano", "Ibadan")),
    "sw": ("KEN", ("Nairobi", "Mombasa", "Kisumu", "Nakuru")),
    "ru_RU": ("RUS", ("Москва", "Санкт-Петербург", "Новосибирск", "Казань")),
    "uk_UA": ("UKR", ("Київ", "Харків", "Одеса", "Львів")),
    "el_GR": ("GRC", ("Αθήνα", "Θεσσαλονίκη", "Πάτρα", "Ηράκλειο")),
    "tr_TR": ("TUR", ("İstanbul", "Ankara", "İzmir", "Bursa")),
    "ar_SA": ("SAU", ("الرياض", "جدة", "مكة المكرمة", "الدمام")),
    "ar_AA": ("EGY", ("القاهرة", "الإسكندرية", "الجيزة", "أسوان")),
    "fa_IR": ("IRN", ("تهران", "مشهد", "اصفهان", "شیراز")),
    "he_IL": ("ISR", ("ירושלים", "תל אביב", "חיפה", "באר שבע")),
    "hi_IN": ("IND", ("दिल्ली", "मुंबई", "कोलकाता", "लखनऊ")),
    "bn_BD": ("BGD", ("ঢাকা", "চট্টগ্রাম", "খুলনা", "রাজশাহী")),
    "th_TH": ("THA", ("กรุงเทพมหานคร", "เชียงใหม่", "ภูเก็ต", "ขอนแก่น")),
    "zh_CN": ("CHN", ("北京", "上海", "广州", "成都")),
    "ja_JP": ("JPN", ("東京", "大阪", "名古屋", "札幌")),
    "ko_KR": ("KOR", ("서울", "부산", "인천", "대구")),
    "vi_VN": ("VNM", ("Hà Nội", "Thành phố Hồ Chí Minh", "Đà Nẵng", "Huế")),
    "id_ID": ("IDN", ("Jakarta", "Surabaya", "Bandung", "Medan")),
    "ka_GE": ("GEO", ("თბილისი", "ბათუმი", "ქუთაისი", "რუსთავი")),
    "hy_AM": ("ARM", ("Երևան", "Գյումրի", "Վանաձոր", "Աբովյան")),
}
# Locales that write the family name first.
FAMILY_FIRST = frozenset({"zh_CN", "ja_JP", "ko_KR", "vi_VN", "hu_HU"})


@dataclass(frozen=True, slots=True)
class _Pool:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]


class PersonFactory:
    """Deterministic synthetic people; ``pool_size`` names per part and locale."""

    def __init__(self, seed: int = 2026, pool_size: int = 300, locales: list[str] | None = None):
        self.random = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        self.locales = locales or list(LOCALES)
        self.pools: dict[str, _Pool] = {}
        for i, locale in enumerate(self.locales):
            fake = Faker(locale)
            fake.seed_instance(seed + i)
            self.pools[locale] = _Pool(
                # sorted: set order varies between processes, the people must not.
                tuple(sorted({fake.first_name_male() for _ in range(pool_size)})),
                tuple(sorted({fake.first_name_female() for _ in range(pool_size)})),
                tuple(sorted({fake.last_name() for _ in range(pool_size)})),
            )

    def person(self, reference: str, locale: str | None = None) -> dict[str, Any]:
        """One person as a flat import row (the CSV shape of ``concord import persons``)."""
        rnd = self.random
        locale = locale or rnd.choice(self.locales)
        pool = self.pools[locale]
        country, places = LOCALES[locale]
        sex = rnd.choice("MF")
        given = rnd.choice(pool.male if sex == "M" else pool.female)
        if locale not in FAMILY_FIRST and rnd.random() < 0.25:
            given = f"{given} {rnd.choice(pool.male if sex == 'M' else pool.female)}"
        family = rnd.choice(pool.family)
        full = f"{family} {given}" if locale in FAMILY_FIRST else f"{given} {family}"
        aliases = []
        if rnd.random() < 0.2:
            aliases.append(f"{given.split()[0]} {rnd.choice(pool.family)}")
        dob = _dob(rnd)
        nationalities = [country]
        if rnd.random() < 0.05:
            nationalities.append(LOCALES[rnd.choice(self.locales)][0])
        return {
            "reference": reference,
            "full_name": full,
            "given_names": given,
            "family_names": family,
            "aliases": "|".join(aliases),
            "dob": dob,
            "place_of_birth": rnd.choice(places),
            "nationalities": "|".join(dict.fromkeys(nationalities)),
            "sex": sex,
            "description": "",
        }

    def people(self, count: int, prefix: str = "P") -> Iterator[dict[str, Any]]:
        for n in range(1, count + 1):
            yield self.person(f"{prefix}{n:08d}")


def _dob(rnd: random.Random) -> str:
    """Mostly full dates; some known only to the month or the year."""
    year = rnd.randint(1945, 2006)
    day = dt.date(year, 1, 1) + dt.timedelta(days=rnd.randint(0, 364))
    precision = rnd.random()
    if precision < 0.08:
        return f"{year:04d}"
    if precision < 0.15:
        return f"{year:04d}-{day.month:02d}"
    return day.isoformat()
