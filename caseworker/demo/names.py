"""Names for demo people, from the many communities an English county council serves.

Every name here is common in its community and none belongs to a particular person: forenames and
surnames are paired at random. Names keep their own spelling (Zoë, Łukasz Wiśniewski, Ștefan,
Nguyễn Thị Hà) so the app is seen handling them from the first run. Where a community's surnames
change with sex (Polish -ski/-ska, Bulgarian -ov/-ova, Lithuanian -as/-aitė/-ienė) the demo uses
the right form.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Community:
    key: str
    weight: float
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    adult_male: tuple[str, ...] = ()
    adult_female: tuple[str, ...] = ()

    def forenames(self, sex: str, *, adult: bool = False) -> tuple[str, ...]:
        if adult and self.adult_male and self.adult_female:
            return self.adult_male if sex == "M" else self.adult_female
        return self.male if sex == "M" else self.female


def _t(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


COMMUNITIES: tuple[Community, ...] = (
    Community(
        "english", 62.0,
        _t("Oliver, George, Harry, Jack, Noah, Leo, Arthur, Oscar, Charlie, Freddie, Alfie, Theo, Archie, "
           "Henry, Thomas, William, Joshua, James, Jacob, Finley, Reuben, Tommy, Alfie-Jay, Riley, Mason, "
           "Ethan, Lewis, Kai, Jayden, Callum, Dylan, Toby, Sam, Ben, Ryan, Connor"),
        _t("Olivia, Amelia, Isla, Ava, Lily, Freya, Florence, Ivy, Poppy, Sophia, Isabella, Grace, Evie, "
           "Millie, Rosie, Ella, Daisy, Emily, Chloe, Zoë, Chloë, Ellie-Mae, Lacey, Megan, Jessica, "
           "Holly, Amber, Phoebe, Maisie, Harriet, Eloise, Niamh, Renée, Abigail"),
        _t("Smith, Jones, Williams, Taylor, Brown, Davies, Evans, Wilson, Thomas, Johnson, Roberts, "
           "Walker, Wright, Robinson, Thompson, White, Hughes, Edwards, Green, Hall, Wood, Harris, "
           "Lewis, Martin, Jackson, Clarke, Clark, Turner, Hill, Scott, Cooper, Morris, Ward, Moore, "
           "King, Watson, Baker, Harrison, Morgan, Price, Powell, Bevan, Preece, Gwillim, Prosser, "
           "Pritchard, Bowen, Watkins, Griffiths, Meredith, Smith-Jones, Ashworth-Lee, Herbert"),
        _t("Mark, Paul, Daniel, Chris, Lee, Craig, Matthew, Richard, Andrew, Stuart, Gareth, Darren, "
           "Simon, Jamie, Adam, Carl, Neil, Steven, Wayne, Rob"),
        _t("Sarah, Emma, Claire, Laura, Gemma, Kelly, Lisa, Rachel, Nicola, Hannah, Kirsty, Stacey, "
           "Helen, Joanne, Louise, Katie, Vicky, Amy, Samantha, Charlotte, Jo, Sian, Becky, Zoë")),
    Community(
        "welsh", 4.0,
        _t("Rhys, Dafydd, Gethin, Osian, Iwan, Cai, Emyr, Llŷr, Tomos, Aled"),
        _t("Ffion, Cerys, Seren, Mali, Nia, Eleri, Elin, Catrin, Siân, Gwenllian"),
        _t("Llewellyn, Parry, Vaughan, Pugh, Jenkins, Rees, ap Gwynfor, Lloyd, Bowen, Gruffydd")),
    Community(
        "irish", 3.0,
        _t("Seán, Ciarán, Oisín, Pádraig, Cillian, Eoin, Darragh, Tadhg, Michael, Patrick"),
        _t("Siobhán, Aoife, Niamh, Saoirse, Róisín, Caoimhe, Orla, Bríd, Mairéad, Clodagh"),
        _t("O'Connor, O'Brien, Ó Briain, McCarthy, Murphy, Kelly, O'Sullivan, Doherty, Byrne, Ní Bhriain")),
    Community(
        "polish", 7.0,
        _t("Łukasz, Jakub, Kacper, Szymon, Mikołaj, Wojciech, Antoni, Filip, Jan, Michał, Paweł"),
        _t("Zuzanna, Julia, Maja, Zofia, Hanna, Małgorzata, Agnieszka, Wiktoria, Łucja, Alicja"),
        _t("Wiśniewski, Kowalski, Nowak, Wójcik, Kamiński, Lewandowski, Zieliński, Szymański, "
           "Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur, Krawczyk, Piotrowski")),
    Community(
        "romanian", 5.0,
        _t("Ștefan, Andrei, Alexandru, Mihai, Ionuț, Răzvan, Bogdan, Cristian, Gheorghe, Matei"),
        _t("Ioana, Andreea, Maria, Elena, Bianca, Alexandra, Ana-Maria, Denisa, Mădălina, Ștefania"),
        _t("Popescu, Ionescu, Popa, Stan, Dumitrescu, Constantin, Rădulescu, Munteanu, Țurcanu, Lungu")),
    Community(
        "bulgarian", 2.5,
        _t("Georgi, Dimitar, Ivan, Nikolay, Stoyan, Hristo, Todor, Kaloyan"),
        _t("Desislava, Maria, Yoana, Gergana, Radostina, Viktoria, Elitsa, Tsvetelina"),
        _t("Ivanov, Petrov, Georgiev, Dimitrov, Nikolov, Todorov, Stoyanov, Hristov")),
    Community(
        "lithuanian", 2.0,
        _t("Lukas, Matas, Jonas, Dominykas, Tomas, Mantas, Kajus"),
        _t("Gabija, Austėja, Emilija, Ugnė, Kamilė, Rūta, Gustė"),
        _t("Kazlauskas, Jankauskas, Petrauskas, Stankevičius, Žukauskas, Butkus, Paulauskas")),
    Community(
        "south_asian", 5.0,
        _t("Muhammad, Ibrahim, Yusuf, Aryan, Arjun, Harjit, Rohan, Zayn, Ayaan, Hamza, Gurpreet, Vihaan"),
        _t("Aisha, Maryam, Fatima, Priya, Anaya, Zara, Harpreet, Simran, Ayesha, Inaya, Nusrat, Diya"),
        _t("Rahman, Khan, Hussain, Ahmed, Patel, Begum, Ali, Sandhu, Kaur, Singh, Chowdhury, Sharma, "
           "Mistry, D'Souza")),
    Community(
        "african", 3.0,
        _t("Chidi, Tobi, Emeka, Adebayo, Kwame, Kofi, Abdi, Mohamed, Tendai, Samuel, Tinashe"),
        _t("Adaeze, Chiamaka, Folake, Amara, Hodan, Ifeoma, Nana, Abena, Tariro, Ayan"),
        _t("Okafor, Adeyemi, Okonkwo, Mensah, Abdi, Osei, Nwosu, Moyo, Warsame, Adebayo")),
    Community(
        "east_asian", 1.5,
        _t("Minh, Hùng, Đức Anh, Wei, Hao, Jun, Yichen, Kenji"),
        _t("Thị Hà, Ngọc Anh, Thu Trang, Mei, Xinyi, Yuki, Lan, Linh"),
        _t("Nguyễn, Trần, Lê, Phạm, Zhang, Wang, Chen, Li, Tanaka")),
    Community(
        "ukrainian", 1.5,
        _t("Oleksandr, Mykola, Bohdan, Taras, Artem, Danylo, Yurii"),
        _t("Sofiia, Anastasiia, Oksana, Yuliia, Mariia, Daryna, Kateryna"),
        _t("Kovalenko, Shevchenko, Bondarenko, Tkachenko, Kravchenko, Melnyk, Koval, Lysenko")),
    Community(
        "portuguese", 1.5,
        _t("João, Tiago, Gonçalo, Rodrigo, Martim, Duarte, Afonso"),
        _t("Beatriz, Leonor, Inês, Matilde, Mariana, Carolina, Conceição"),
        _t("Gonçalves, Silva, Ferreira, Rodrigues, Pereira, Simões, Magalhães")),
    Community(
        "traveller", 1.0,
        _t("Johnny, Patrick, Tommy, Jimmy, Levi, Noah, Kaydon"),
        _t("Kathleen, Bridget, Margaret, Mary, Shannon, Tiffany, Sabrina"),
        _t("Price, Lee, Boswell, Smith, Loveridge, Ward, Doran, McDonagh, Joyce")),
)

_CUM_WEIGHTS = tuple(itertools.accumulate(c.weight for c in COMMUNITIES))
_BY_KEY = {c.key: c for c in COMMUNITIES}


def feminine_surname(community: str, surname: str, *, married: bool = False) -> str:
    """The form of a family surname a woman or girl of that community uses."""
    if community == "polish":
        for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
            if surname.endswith(male):
                return surname[: -len(male)] + female
    elif community == "bulgarian":
        if surname.endswith(("ov", "ev")):
            return surname + "a"
    elif community == "lithuanian" and surname.endswith(("as", "is", "us")):
        stem = surname[:-2]
        if married:
            return stem + "ienė"
        return stem + {"as": "aitė", "is": "ytė", "us": "utė"}[surname[-2:]]
    return surname


@dataclass(frozen=True, slots=True)
class Person:
    forename: str
    surname: str
    sex: str
    community: str
    family: str  # the family surname (masculine form where the community's surnames vary)

    @property
    def full_name(self) -> str:
        return f"{self.forename} {self.surname}"


def pick_community(rng: random.Random) -> Community:
    return rng.choices(COMMUNITIES, cum_weights=_CUM_WEIGHTS)[0]


def child_name(rng: random.Random, sex: str, community: Community | None = None) -> Person:
    c = community or pick_community(rng)
    forename = rng.choice(c.male if sex == "M" else c.female)
    family = rng.choice(c.surnames)
    surname = family if sex == "M" else feminine_surname(c.key, family)
    return Person(forename, surname, sex, c.key, family)


def parent_of(rng: random.Random, child: Person, other: Person | None = None) -> Person:
    """A parent of the child: the same community; usually the mother, often the same surname.

    With ``other`` (the first parent) the second is usually of the other sex and never shares a forename.
    """
    c = _BY_KEY[child.community]
    if other is None:
        sex = "F" if rng.random() < 0.78 else "M"
    else:
        sex = other.sex if rng.random() < 0.08 else ("M" if other.sex == "F" else "F")
    names = c.forenames(sex, adult=True)
    taken = {child.forename, other.forename if other else ""}
    forename = rng.choice(names)
    while forename in taken:
        forename = rng.choice(names)
    family = child.family if rng.random() < 0.8 else rng.choice(c.surnames)
    surname = family if sex == "M" else feminine_surname(c.key, family, married=True)
    return Person(forename, surname, sex, c.key, family)


def adult_name(rng: random.Random) -> Person:
    """A member of staff or a professional: any community, either sex."""
    c = pick_community(rng)
    sex = "F" if rng.random() < 0.8 else "M"  # SEND teams are mostly women
    forename = rng.choice(c.forenames(sex, adult=True))
    family = rng.choice(c.surnames)
    surname = family if sex == "M" else feminine_surname(c.key, family, married=True)
    return Person(forename, surname, sex, c.key, family)


_ASCII = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "ß": "ss", "'": "", " ": "",
                        "-": ""})


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters for user names and e-mail addresses (Wiśniewska -> wisniewska)."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum()).lower()
