"""Russian words that agree with a number, for pages, messages and documents alike."""


def plural(number: int, one: str, few: str, many: str) -> str:
    """Russian plural form: 1 участник, 2 участника, 5 участников."""
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many
