"""Blank files of every import, to download from its upload page and fill in: the header in
Russian (the first Russian name of each column, which every importer reads) and one example
row, as CSV for Excel (semicolons, UTF-8 with BOM) or as XLSX."""

from dataclasses import dataclass

from opora.assessments import validation
from opora.exports import csv_bytes, xlsx_workbook_bytes
from opora.registry.services import REGISTRY_NAMES, REGISTRY_OPTIONAL, REGISTRY_REQUIRED
from opora.reports.documents import FORMATS
from opora.staff.services import (
    DIAGNOSTICS_NAMES,
    DIAGNOSTICS_OPTIONAL,
    DIAGNOSTICS_REQUIRED,
    TEACHERS_NAMES,
    TEACHERS_OPTIONAL,
    TEACHERS_REQUIRED,
)

CONTENT_TYPES = {"csv": "text/csv", "xlsx": FORMATS["xlsx"]}


@dataclass(frozen=True)
class ImportTemplate:
    title: str  # the file's name, without suffix
    columns: list[str]
    names: dict[str, list[str]]
    example: dict[str, str]

    def rows(self) -> list[list[str]]:
        header = [self.names[c][0] for c in self.columns]
        return [header, [self.example.get(c, "") for c in self.columns]]

    def content(self, suffix: str) -> bytes:
        if suffix == "csv":
            return csv_bytes(self.rows())
        return xlsx_workbook_bytes({self.title: self.rows()})


_SCHOOL = {"school_code": "pirovskoe-01", "school_name": "МБОУ «Пировская СОШ»"}
_RESULT = {**_SCHOOL, "year": "2023", "assessment": "ВПР", "subject": "Математика", "grade": "5"}
TEMPLATES = {
    "results-school": ImportTemplate(
        title="Результаты по школам",
        columns=[*validation.KEYS[:1], validation.NAME_COLUMN, *validation.SCHOOL_LEVEL[1:]],
        names=validation.NAMES,
        example={
            **_RESULT,
            "participants": "11",
            "mark_2": "4",
            "mark_3": "3",
            "mark_4": "3",
            "mark_5": "1",
        },
    ),
    "results-student": ImportTemplate(
        title="Результаты по обучающимся",
        columns=[*validation.STUDENT_LEVEL, *validation.STUDENT_OPTIONAL],
        names=validation.NAMES,
        example={
            **_RESULT,
            "student_id": "10001",
            "primary_score": "12",
            "mark": "4",
            "journal_mark": "4",
        },
    ),
    "registry": ImportTemplate(
        title="Реестр школ",
        columns=[*REGISTRY_REQUIRED, *REGISTRY_OPTIONAL],
        names=REGISTRY_NAMES,
        example={
            **_SCHOOL,
            "school_type": "СОШ",
            "municipality_code": "pirovskoe",
            "municipality_name": "Пировский муниципальный округ",
            "region_name": "Красноярский край",
            "short_name": "Пировская СОШ",
            "settlement": "с. Пировское",
            "locality": "сельская",
            "distance_km": "0",
            "is_small": "нет",
            "fisoko_login": "sch240101",
        },
    ),
    "teachers": ImportTemplate(
        title="Педагоги",
        columns=[*TEACHERS_REQUIRED, *TEACHERS_OPTIONAL],
        names=TEACHERS_NAMES,
        example={
            "school_code": "pirovskoe-01",
            "full_name": "Абрамова Елена Викторовна",
            "position": "учитель математики",
            "personnel_number": "17",
            "subjects": "математика",
            "category": "первая",
            "age_band": "50–64",
            "workload": "1,5",
            "young_specialist": "нет",
        },
    ),
    "diagnostics": ImportTemplate(
        title="Диагностика педагогов",
        columns=[*DIAGNOSTICS_REQUIRED, *DIAGNOSTICS_OPTIONAL],
        names=DIAGNOSTICS_NAMES,
        example={
            "school_code": "pirovskoe-01",
            "personnel_number": "17",
            "date": "12.10.2022",
            "instrument": "Региональная диагностика (ЦНППМ)",
            "kind": "диагностика",
            "subject": "математика",
            "score": "52",
            "deficits": "exam_tasks; functional_literacy",
        },
    ),
}
