"""Russian grammar for pages, messages and documents, by libraries made for it: pymorphy3 agrees
nouns with numbers and puts an institution's name in the genitive, petrovich declines people's
names. Nothing here is a hand-written ending rule."""

from functools import cache


@cache
def _morph():
    import pymorphy3  # its dictionaries load once, on the first word

    return pymorphy3.MorphAnalyzer()


@cache
def _petrovich():
    from petrovich.main import Petrovich  # reads its rules file once

    return Petrovich()


def agree(number: int, word: str, case: str = "nomn") -> str:
    """The noun `word` (nominative singular) agreeing with `number` in `case` (pymorphy3's
    names: nomn, gent, datv, accs, ablt, loct): agree(5, "школа") is «школ», agree(2, "участник",
    "gent") «участников» (из 2 участников), agree(2, "школа", "loct") «школах»."""
    parses = [p for p in _morph().parse(word) if p.tag.case == "nomn" and p.tag.number == "sing"]
    parse = (parses or _morph().parse(word))[0]
    if case != "nomn":
        parse = parse.inflect({case}) or parse
    form = parse.make_agree_with_number(abs(int(number)))
    if form is None:
        return word
    return form.word.capitalize() if word[:1].isupper() else form.word


def plural(number: int, one: str, few: str, many: str) -> str:
    """The one of three forms of a phrase that agrees with `number` («показатель считается»,
    «показателя считаются», «показателей считаются»): pymorphy3 agrees the word «штука» with the
    number, and its form tells which of the three to take. For a single noun use `agree`."""
    form = agree(number, "штука")
    return {"штука": one, "штуки": few}.get(form, many)


def count_noun(number, word: str, case: str = "nomn") -> str:
    """«1 школа», «2 школы», «5 школ», «21 школа», with a no-break space between."""
    number = int(number or 0)
    return f"{number}\u00a0{agree(number, word, case)}"


def genitive(name: str) -> str:
    """An institution's name in the genitive, for «приказом Отдела образования …»: the leading
    words that are in the nominative (adjectives up to the first noun) change, the rest is
    already a genitive phrase. «Администрация города Тюмени, Департамент образования» (a unit
    of a body) becomes «Департамента образования администрации города Тюмени». A name the
    dictionary does not know stays as it is — the order keeps the form as data, which a person
    can correct."""
    if ", " in name:
        body, _, unit = name.rpartition(", ")
        body = genitive(body)
        return f"{genitive(unit)} {body[:1].lower()}{body[1:]}"
    words = name.split(" ")
    result = []
    for i, word in enumerate(words):
        bare = word.strip('«»"()')
        parses = [
            p
            for p in _morph().parse(bare)
            if p.tag.case == "nomn" and p.tag.number == "sing" and p.tag.POS in {"NOUN", "ADJF"}
        ]
        if not bare or not parses or bare.isupper():
            return " ".join(result + words[i:])
        inflected = parses[0].inflect({"gent"})
        if inflected is None:
            return " ".join(result + words[i:])
        form = inflected.word
        if bare[:1].isupper():
            form = form[:1].upper() + form[1:]
        result.append(word.replace(bare, form))
        if parses[0].tag.POS == "NOUN":
            return " ".join(result + words[i + 1 :])
    return " ".join(result)


def accusative_person(name: str) -> str:
    """«Астраханцева О.В.» → «Астраханцеву О.В.» (СЛУШАЛИ: кого); a full name «Фамилия Имя
    Отчество» declines all three. Gender comes from the patronymic, else from the surname."""
    from petrovich.enums import Case, Gender

    petrovich = _petrovich()
    parts = name.split()
    if not parts:
        return name
    gender = Gender.MALE
    if len(parts) == 3 and not parts[2].endswith("."):
        gender = Gender.FEMALE if parts[2].endswith("на") else Gender.MALE
    else:
        surname = [p for p in _morph().parse(parts[0]) if "Surn" in p.tag and p.tag.case == "nomn"]
        if surname and surname[0].tag.gender == "femn":
            gender = Gender.FEMALE
    declined = [petrovich.lastname(parts[0], Case.ACCUSATIVE, gender)]
    if len(parts) == 3 and not parts[1].endswith("."):
        declined.append(petrovich.firstname(parts[1], Case.ACCUSATIVE, gender))
        declined.append(petrovich.middlename(parts[2], Case.ACCUSATIVE, gender))
    else:
        declined.extend(parts[1:])
    return " ".join(declined)
