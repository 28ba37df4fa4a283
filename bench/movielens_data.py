"""A deterministic MovieLens-format folder of any size, shaped like GroupLens' releases.

    python -m bench.movielens_data OUT_DIR [--movies 9742 --users 610 --ratings 100836 ...]

By default the size of ml-latest-small: 9,742 movies, 610 users, 100,836 ratings, 3,683 tags
and a link for every movie. Titles come the MovieLens way ("Last Summer, The (1994)", alternate
titles in parentheses, quoted when they hold commas, a few with no year), genres joined with
"|", popularity and member activity skewed (a few films and members hold most ratings, every
member rated at least 20 films), stars distributed as MovieLens members give them.
"""

import argparse
import csv
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

GENRES = [
    "Action",
    "Adventure",
    "Animation",
    "Children",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "IMAX",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
]
ADJECTIVES = [
    "Last",
    "Long",
    "Dark",
    "Silent",
    "Golden",
    "Broken",
    "Hidden",
    "Little",
    "Lost",
    "Secret",
    "Wild",
    "Cold",
    "Burning",
    "Final",
    "Forgotten",
    "Empty",
    "Distant",
    "Crimson",
    "Savage",
    "Quiet",
    "Strange",
    "Bright",
    "Hollow",
    "Endless",
    "Sweet",
]
NOUNS = [
    "Summer",
    "Night",
    "River",
    "City",
    "Road",
    "House",
    "Garden",
    "Mirror",
    "Train",
    "Island",
    "Stranger",
    "Kingdom",
    "Dream",
    "Letter",
    "Harbor",
    "Winter",
    "Storm",
    "Promise",
    "Mountain",
    "Shadow",
    "Ghost",
    "Dance",
    "Voyage",
    "Heart",
    "Machine",
    "Orchard",
    "Tower",
    "Game",
    "Highway",
    "Bride",
    "Detective",
    "Season",
    "Door",
    "Forest",
    "Ocean",
]
FRENCH = [
    "Maison",
    "Nuit",
    "Rivière",
    "Ville",
    "Route",
    "Jardin",
    "Miroir",
    "Île",
    "Rêve",
    "Lettre",
    "Hiver",
    "Ombre",
]
TAGS = [
    "funny",
    "atmospheric",
    "dark comedy",
    "twist ending",
    "visually appealing",
    "thought-provoking",
    "based on a book",
    "classic",
    "dystopia",
    "space",
    "time travel",
    "satire",
    "surreal",
    "nonlinear",
    "great soundtrack",
    "slow",
    "quirky",
    "romance",
    "violent",
    "cult film",
    "heist",
    "psychology",
    "philosophical",
    "stylized",
    "sci-fi",
    "action",
    "superhero",
    "animation",
    "Oscar (Best Picture)",
]
# How often MovieLens members give each half star, 0.5 to 5.0 (ml-latest-small).
STAR_WEIGHTS = (1.4, 2.8, 1.8, 7.5, 5.5, 19.9, 13.0, 26.6, 8.5, 13.2)
STARS = tuple(f"{i / 2:.1f}" for i in range(1, 11))


@dataclass(frozen=True)
class Size:
    movies: int = 9742
    users: int = 610
    ratings: int = 100836
    tags: int = 3683


def write_movielens(folder: Path, size: Size = Size(), *, seed: int = 1) -> Path:
    """Write movies.csv, ratings.csv, tags.csv and links.csv of `size` into `folder`."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    movie_ids = _movie_ids(rng, size.movies)
    with _writer(folder / "movies.csv", ["movieId", "title", "genres"]) as rows:
        for movie_id in movie_ids:
            rows.writerow([movie_id, _title(rng), _genres(rng)])
    with _writer(folder / "links.csv", ["movieId", "imdbId", "tmdbId"]) as rows:
        for n, movie_id in enumerate(movie_ids):
            tmdb = "" if n % 1200 == 7 else rng.randrange(2, 500_000)
            rows.writerow([movie_id, f"{rng.randrange(1, 9_999_999):07d}", tmdb])

    popular = movie_ids[:]
    rng.shuffle(popular)  # popularity does not follow the id
    cum_weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(popular))))
    with _writer(folder / "ratings.csv", ["userId", "movieId", "rating", "timestamp"]) as rows:
        for user_id, count in enumerate(_activity(rng, size), start=1):
            rated = _sample(rng, popular, cum_weights, count)
            start = rng.randrange(828_000_000, 1_530_000_000)  # 1996 to 2018
            for movie_id in sorted(rated):
                stars = rng.choices(STARS, weights=STAR_WEIGHTS)[0]
                rows.writerow([user_id, movie_id, stars, start + rng.randrange(0, 90_000_000)])

    taggers = rng.sample(range(1, size.users + 1), max(1, min(size.users, 58)))
    tagged = sorted(_sample(rng, popular, cum_weights, min(len(popular), max(1, size.tags // 2))))
    with _writer(folder / "tags.csv", ["userId", "movieId", "tag", "timestamp"]) as rows:
        for _ in range(size.tags):
            tag = rng.choice(TAGS)
            if rng.random() < 0.15:
                tag = tag.title()  # members spell the same tag differently
            rows.writerow(
                [
                    rng.choice(taggers),
                    rng.choice(tagged),
                    tag,
                    rng.randrange(1_137_000_000, 1_537_000_000),
                ]
            )
    return folder


def _writer(path: Path, header: list[str]):
    class Rows:
        def __enter__(self):
            self.file = path.open("w", encoding="utf-8", newline="")
            writer = csv.writer(self.file, lineterminator="\n")
            writer.writerow(header)
            return writer

        def __exit__(self, *exc_info):
            self.file.close()

    return Rows()


def _movie_ids(rng: random.Random, count: int) -> list[int]:
    """Rising ids with gaps, as MovieLens' are."""
    ids, current = [], 0
    for _ in range(count):
        current += 1 if rng.random() < 0.8 else rng.randrange(2, 40)
        ids.append(current)
    return ids


def _title(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.35:
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
    elif shape < 0.6:
        title = f"{rng.choice(NOUNS)} of the {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
    elif shape < 0.7:
        title = f"{rng.choice(NOUNS)}, {rng.choice(NOUNS)}"  # CSV-quoted
    else:
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.randrange(2, 5)}"
    if rng.random() < 0.2:
        title = f"{title}, The"
    if rng.random() < 0.06:
        title = f"{title} ({rng.choice(FRENCH)} {rng.choice(FRENCH).lower()}, La)"
    if rng.random() < 0.01:
        return title  # no year
    year = min(2018, int(rng.triangular(1902, 2019, 2012)))
    if rng.random() < 0.005:
        return f"{title} ({year}-{year + rng.randrange(1, 6)})"
    return f"{title} ({year})"


def _genres(rng: random.Random) -> str:
    if rng.random() < 0.0035:
        return "(no genres listed)"
    return "|".join(sorted(rng.sample(GENRES, rng.choice((1, 1, 2, 2, 2, 3, 3, 4)))))


def _activity(rng: random.Random, size: Size) -> list[int]:
    """How many films each member rated: at least 20 (or what is left), heavy-tailed, summing
    to size.ratings."""
    floor = min(20, size.ratings // max(size.users, 1))
    weights = [rng.paretovariate(1.2) for _ in range(size.users)]
    spare = size.ratings - floor * size.users
    counts = [floor + int(spare * w / sum(weights)) for w in weights]
    cap = size.movies
    counts = [min(c, cap) for c in counts]
    short = size.ratings - sum(counts)
    for user in itertools.cycle(range(size.users)):
        if short <= 0:
            break
        if counts[user] < cap:
            counts[user] += 1
            short -= 1
    return counts


def _sample(rng: random.Random, population: list[int], cum_weights: list[float], k: int) -> set:
    """`k` distinct items, popular ones more likely."""
    chosen: set[int] = set()
    while len(chosen) < k:
        chosen.update(rng.choices(population, cum_weights=cum_weights, k=k - len(chosen)))
        if len(chosen) < k and len(chosen) > len(population) * 0.9:
            rest = [item for item in population if item not in chosen]
            chosen.update(rng.sample(rest, k - len(chosen)))
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    defaults = Size()
    for name in ("movies", "users", "ratings", "tags"):
        parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    size = Size(args.movies, args.users, args.ratings, args.tags)
    write_movielens(args.folder, size, seed=args.seed)
    print(f"Wrote {size} to {args.folder}")


if __name__ == "__main__":
    main()
