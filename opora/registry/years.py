"""Academic years: stored by their ending calendar year (2023 = 2022/23), shown as «2022/23»."""

import datetime


def academic_year_label(year: int) -> str:
    return f"{year - 1}/{year % 100:02d}"


def current_academic_year(today: datetime.date) -> int:
    # The school year starts on 1 September.
    return today.year + 1 if today.month >= 9 else today.year
