"""Argument types the films app's commands share."""


def positive_int(value: str) -> int:
    """An argparse type: a whole number of at least 1 (a batch size, say)."""
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number
