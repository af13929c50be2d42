#!/usr/bin/env python3
"""Build data/leaders.tsv: people mapped to a country only while in office.

Inputs
  data/leaders_curated.tsv      hand-curated offices with exact dates: G20 heads of state and
                                government and foreign ministers 2000-today, the same (partly)
                                for IRN AZE ARM ISR UKR SYR IRQ PSE VAT, and long-serving leaders
                                of ARE BLR EGY JOR KAZ PRK QAT VEN; same columns as the output
  ../shared/data/actors/un_general_debate_speakers.tsv
                                UN General Debate speakers (year, session, iso3, country, speaker, post)

Output columns (tab-separated, header): code role name aliases start end source
  aliases  '|'-separated alternative surface forms (matched case-sensitively, whole words)
  start    YYYY-MM-DD, inclusive
  end      YYYY-MM-DD, exclusive; empty while still in office

The output holds every curated row, plus one "attested" row for each (country, role, person)
among the UN General Debate speakers from 2015 on whose post is head of state, head of
government or foreign minister and who has no curated row for that country and role.  An
attested row runs from 1 January of the first year the person spoke in that post to 1 January
after the last: the speakers list says who held the post in September of those years, not the
exact term dates.

Aliases: the accent-free form of every name and alias is added; a bare surname is added for
attested people when it is distinctive (4+ letters, not a common word or name, not shared with
a person of another country, not a place name in data/gazetteer.tsv).  Curated single-word
aliases pass the same checks.  --report lists what was dropped and the posts not used.

Run: python3 scripts/data/build_leaders.py [--shared ../shared/data] [--report]
Standard library only.
"""
import argparse, collections, csv, difflib, os, re, sys, unicodedata
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COLUMNS = ["code", "role", "name", "aliases", "start", "end", "source"]
FIRST_YEAR = 2015
HS, HG, FM = "head of state", "head of government", "foreign minister"

# ---------------------------------------------------------------------------------------------
# Speakers-list quirks
# ---------------------------------------------------------------------------------------------
CODE_FIX = {"PKR": "PRK", "POR": "PRT", "ZFA": "ZAF"}  # typos in the iso3 column
SKIP_CODES = {"EU"}  # the European Union is not a state in this table
# (iso3 as fixed, year) rows that are wrong in the source and are left out
BAD_ROWS = {
    ("SYC", 2015),  # lists Lithuania's Dalia Grybauskaitė as President of Seychelles
}
# (iso3 as fixed, year) -> role, where the post given contradicts the office actually held
ROLE_FIX = {
    ("BFA", 2019): HS,  # Kaboré, "President of the Council of Ministers": he was President of Faso
    ("LBN", 2022): HG,  # Mikati, "President": he was prime minister
    ("MKD", 2015): HG,  # Gruevski, "President": he was prime minister
}
# Holy See titles (the curated table has the popes, the Cardinal Secretary of State as head of
# government and the Secretary for Relations with States as foreign minister)
VAT_POSTS = {"pope": HS, "secretary of state": HG, "prime minister": HG,
             "secretary of relations with states": FM, "secretary for relations with states": FM,
             "minister of foreign affairs": FM}


def post_role(post, code):
    """The role a UN General Debate post denotes, or None."""
    p = re.sub(r"\s+", " ", post.strip().lower().replace("minsiter", "minister"))
    if p.startswith("rime minister"):
        p = "p" + p
    if not p:
        return None
    if code == "VAT":
        return VAT_POSTS.get(p)
    fm_tail = re.search(r"(,|\band)\s*(acting\s+|federal\s+)?minister (of|for) (foreign|europe)", p)
    if re.match(r"(vice|first vice|second vice|deputy|minister of state\b|special envoy|union minister|crown prince)", p):
        return FM if fm_tail else None
    if re.match(r"president of (the )?(council of ministers|government|the presidency council)", p):
        return HG
    if p.startswith("president of the european council"):
        return None
    if re.match(r"(president|acting president|constitutional president|king|queen|amir|emir|sultan|"
                r"sovereign prince|prince|grand duke|captain regent|head of state|acting head of state|"
                r"chairman of the presidency|cairman of the presidency|chairman of the presidential council|"
                r"chairman of the transitional military council|pope)\b", p):
        return HS
    if re.match(r"(prime minister|head of government|premier|chief executive|chancellor|federal chancellor|"
                r"state counsellor|chief advisor|chief adviser|taoiseach)\b", p):
        return HG
    if re.search(r"\b(minister|secretary)\b.*\b(of|for) (foreign|external|international (relations|affairs))", p) \
            or re.match(r"(federal )?minister for europe, integration", p) \
            or re.match(r"federal minister for european and international affairs", p) \
            or re.match(r"minister responsible for foreign affairs", p) \
            or re.match(r"minister of external relations", p) \
            or p == "secretary of state":
        return FM
    return None


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------
TITLES = [
    "His Majesty", "Her Majesty", "Majesty", "His Royal Highness", "His Serene Highness", "Serene Highness",
    "His Highness", "Her Highness", "His Holiness", "His Excellency", "Her Excellency", "H.E.",
    "Crown Prince", "Prince", "King", "Queen", "Emir", "Amir", "Sultan", "Sheikh", "Shaikh", "Sayyid",
    "Sayy id", "Cardinal", "Archbishop", "General", "Sir", "Ratu", "Lyonpo", "Lyonchoen", "Lyompo",
    "Dato’ Sri", "Dato' Sri", "Samdech", "Don", "U",
]
TITLE_RE = re.compile(r"^(?:(?:Mr|Mrs|Ms|Dr)\.\s*|(?:Mr|Mrs|Ms|Dr)\s+|(?:%s)\s+)" % "|".join(re.escape(t) for t in TITLES))


def clean_name(s):
    s = re.sub(r"\s+", " ", s.replace("\n", " ")).strip().strip('"').strip()
    s = re.sub(r",?\s*(MP|MBBS, MD|MBBS|MD)$", "", s).strip().rstrip(",").strip()
    while True:
        t = TITLE_RE.sub("", s, count=1)
        if t == s:
            break
        s = t.strip()
    s = re.sub(r",?\s+Jr\.?$", "", s).strip()
    return s


TRANSLIT = str.maketrans({"ı": "i", "İ": "I", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ð": "d", "Ð": "D",
                          "þ": "th", "Þ": "Th", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ß": "ss", "œ": "oe",
                          "Œ": "Oe", "ƈ": "c", "ʻ": "'", "‘": "'", "’": "'"})


def ascii_fold(s):
    s = s.translate(TRANSLIT)
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def key(s):
    """Comparison key: accent-free, lower case, punctuation as spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_fold(s).lower()).split())


def tokens(s):
    return set(key(s).split()) - {"al", "el", "bin", "ibn", "de", "da", "do", "dos", "del", "la", "le", "van", "von", "jr"}


# Canonical names for UN speakers: "ISO3: variant ; variant => Canonical | extra alias | ...".
# Variants are speaker names after clean_name(), compared by key(); the canonical form is the
# name as usually written in news.  Speakers not listed keep their cleaned form, and spellings
# with the same key() are merged (the form with diacritics wins).
CANON_TEXT = """
AFG: Mohammad Ashraf Ghani Ahmadzai ; Mohammad Ashraf Ghani => Ashraf Ghani | Mohammad Ashraf Ghani
AGO: João Manuel Gonçalves Lourenco ; Joao Manuel Gonsalves Lourenço ; João Manuel Gonçalves Lourenço ; Joao Manuel Goncalves Lourerico => João Lourenço | João Manuel Gonçalves Lourenço
AND: Antoni Martí Petit => Antoni Martí
AND: Xavier Espot Zamora => Xavier Espot
ARE: Abdullah Bin Zayed Al Nahyan => Abdullah bin Zayed Al Nahyan | Abdullah bin Zayed
ARE: Reem Bint Ebrahim A1 Hashimy ; Re cm Al Hashimy => Reem Al Hashimy | Reem Al-Hashimy
ATG: Gaston Alphonso Browne => Gaston Browne
BEL: Alexander de Croo => Alexander De Croo
BEN: Patrice Athanase Guillaume Talon => Patrice Talon
BFA: Roch Marc Christian Kabore => Roch Marc Christian Kaboré | Roch Kaboré
BFA: Karamoko Jean Marie Traore => Karamoko Jean-Marie Traoré
BGD: Hasina => Sheikh Hasina
BGR: Boyko Borissov => Boyko Borissov | Boyko Borisov
BHR: Hamad bin Isa Al Khalifa => Hamad bin Isa Al Khalifa | King Hamad
BHR: Khalid Bin Ahmed Al-Khalifa => Khalid bin Ahmed Al Khalifa
BHR: Abdullatif bin Rashid Al Zayani ; Abdullatif bin Rashid Alzayani => Abdullatif Al Zayani | Abdullatif bin Rashid Al Zayani | Abdullatif Alzayani
BHS: Philip Edward Davis => Philip Davis
BHS: Frederick A. Mitchell ; Frederick Mitchell ; Frederick Audley Mitchell => Fred Mitchell | Frederick Mitchell
BIH: Bakir Izetbegoviƈ => Bakir Izetbegović
BIH: Sefik Dzaferovic => Šefik Džaferović
BIH: Zeljko Komsic => Željko Komšić
BLZ: John Briceno => John Briceño
BLR: Vladamir Makei => Vladimir Makei
BLZ: Wilfred Peter Elrington => Wilfred Elrington
BOL: Evo Morales Ayma => Evo Morales
BOL: Jeanine Anez Chavez => Jeanine Áñez
BOL: Luis Alberto Arce Catacora => Luis Arce
BOL: Celinda Sosa Lunda => Celinda Sosa
BRB: Mia Amor Mottley => Mia Mottley
BRB: Maxime Pamela Ometa McClean ; Maxine Pamela Ometa McClean => Maxine McClean
BRB: Jerome Xavier Walcott => Jerome Walcott
BRN: Hassanal Bolkiah Mu’izzaddin Waddaulah => Hassanal Bolkiah | Sultan Hassanal Bolkiah
BRN: Pehin Lim Jock Seng => Lim Jock Seng
BRN: Dato Seri Paduka Awang Haji Erywan bin Pehin Datu Pekerma Jaya Haji Mohd Yusof ; Dato Seri Setia Haji Erywan bin Pehin Datu Pekerma Jaya Haji Mohd Yusof => Erywan Yusof | Erywan Pehin Yusof
BWA: Mokgweetsi Eric Keabetswe Masisi => Mokgweetsi Masisi
CAF: Faustin Archange Touadéra ; Faustin Archange Touadera => Faustin-Archange Touadéra
CHL: Michelle Bachelet Jeria => Michelle Bachelet
CHL: Sebastián Piñera Echenique ; Sebastian Piñera Echenique ; Sebastian Pinera Echenique => Sebastián Piñera
CHL: Gabriel Boric Font => Gabriel Boric
CMR: Mbella Mbella => Lejeune Mbella Mbella
COD: Joseph Kabila Kabange => Joseph Kabila
COD: Félix Antoine Tshilombo Tshisekedi ; Felix Antoine Tshilombo Tshisekedi ; Felix-Antoine Tshisekedi Tshilombo ; Félix-Antoine Tshisekedi Tshilombo => Félix Tshisekedi | Félix Antoine Tshisekedi
COD: Raymond Tshibanda N’tungamulongo => Raymond Tshibanda
COG: Jеаn-Claude Gakosso ; Jean Claude Gakosso => Jean-Claude Gakosso
COL: Juan Manuel Santos Calderón => Juan Manuel Santos
COL: Iván Duque Márquez ; Ivan Duque Marquez => Iván Duque
COL: Gustavo Petro Urrego => Gustavo Petro
CPV: Jorge Carlos De Almeida Fonseca => Jorge Carlos Fonseca
CPV: Jose Maria Pereira Neves ; José Maria Pereira Neves => José Maria Neves
CPV: José Ulisses Correia e Silva ; Jose Ulisses Correia e Silva => Ulisses Correia e Silva
CPV: Luis Filipe Lopes Tavares => Luís Filipe Tavares
CRI: Luis Guillermo Solís Rivera => Luis Guillermo Solís
CRI: Carlos Alvarado Quesada => Carlos Alvarado
CRI: Arnoldo Andre-Tinoco ; Arnoldo Ricardo Andre Tinoco ; Arnoldo Ricardo André Tinoco => Arnoldo André Tinoco
CUB: Raúl Castro Ruz => Raúl Castro
CUB: Miguel Díaz-Canel Bermúdez ; Miguel Diaz Canel Bermudez ; Miguel Díaz Canel ; Miguel Diaz-Canel Bermudez => Miguel Díaz-Canel | Díaz-Canel | Miguel Díaz-Canel Bermúdez
CUB: Bruno Eduardo Rodríguez Parrilla ; Bruno Eduardo Rodriguez Parrilla => Bruno Rodríguez Parrilla | Bruno Rodríguez | Rodríguez Parrilla
CZE: Jan Lipavsky => Jan Lipavský
DJI: Ismaël Omar Guelleh ; Ismael Omar Guelleh => Ismaïl Omar Guelleh | Ismail Omar Guelleh
DJI: Mahmoud Ali Youssef ; Mahamoud Ali Youssouf => Mahmoud Ali Youssouf
DOM: Danilo Medina Sánchez ; Medina Sánchez => Danilo Medina
DOM: Luis Rodolfo Abinader Corona => Luis Abinader
DOM: Miguel Vargas Maldonado => Miguel Vargas
DOM: Roberto Alvarez Gil => Roberto Álvarez
ECU: Lenin Moreno Garcés ; Lenin Moreno Garces => Lenín Moreno
ECU: Guillermo Lasso Mendoza => Guillermo Lasso
EGY: Abdel Fattah Al Sisi ; Abdel Fattah el Sisi => Abdel Fattah al-Sisi
EGY: Sameh Hassan Shoukry Selim => Sameh Shoukry
EGY: Badr Ahmed Mohamed Abdelatty => Badr Abdelatty
ERI: Osman Mohammed Saleh ; Osman Saleh Mohammed => Osman Saleh
ESP: Felipe VI => Felipe VI | King Felipe VI | King Felipe
ESP: Pedro Sánchez Pérez-Castejón ; Pedro Sanchez Perez-Castejon => Pedro Sánchez
ESP: José Manuel García Margallo => José Manuel García-Margallo | García-Margallo
ESP: Alfonso María Dastis Quecedo => Alfonso Dastis
ETH: Hailemariam Dessalegn => Hailemariam Desalegn | Hailemariam Dessalegn
ETH: Workineh Gebeyehu Negewo => Workineh Gebeyehu
ETH: Demeke Mekonnen Hassen => Demeke Mekonnen
ETH: Taye Atske-Selassie Made => Taye Atske Selassie
FJI: Josaia Voreqe Bainimarama => Frank Bainimarama | Josaia Voreqe Bainimarama
FJI: Wiliame Maivalili Katonivere => Wiliame Katonivere
FJI: Sitiveni Ligamamada Rabuka => Sitiveni Rabuka
FSM: Peter M. Christian => Peter Christian
FSM: David W. Panuelo => David Panuelo
FSM: Wesley W. Simina => Wesley Simina
GAB: Ali Bongo Ondimba => Ali Bongo Ondimba | Ali Bongo
GAB: Brice Clotaire Oligui Nguema => Brice Oligui Nguema | Brice Clotaire Oligui Nguema | Oligui Nguema
GAB: Alain Claude Bilie By Nze => Alain-Claude Bilie-By-Nze
GHA: John Dramani Mahama => John Mahama | John Dramani Mahama
GHA: Nana Addo Dankwa Akufo-Addo ; Nana Akufo Addo => Nana Akufo-Addo | Nana Addo Dankwa Akufo-Addo
GIN: Alpha Conde => Alpha Condé
GIN: Bernard Gomou => Bernard Goumou
GNB: Umaro Sissoco Embalo ; Úmaro Sissoco Embaló => Umaro Sissoco Embaló
GNB: Suzi Carla Barbosa => Suzi Barbosa
GNQ: Teodoro Obiang Nguema Mbasogo => Teodoro Obiang Nguema Mbasogo | Teodoro Obiang
GNQ: Simeon Oyono Esono Angue => Simeón Oyono Esono Angue
GRD: C. Peter David => Peter David
GTM: Alejandro Giammattei Falla => Alejandro Giammattei
GTM: César Bernardo Arévalo de León => Bernardo Arévalo | César Bernardo Arévalo
GTM: Carlos Raúl Morales Moscoso => Carlos Raúl Morales
GTM: Pedro Brolo Vila => Pedro Brolo
GUY: David Arthur Granger => David Granger
GUY: Mohamed Irfaan Ali => Irfaan Ali | Mohamed Irfaan Ali
HND: Juan Orlando Hernández Alvarado ; Juan Orlando Hernandez Alvarado => Juan Orlando Hernández
HND: Iris Xiomara Castro Sarmiento => Xiomara Castro
HRV: Kolinda Grabar-Kitarovic => Kolinda Grabar-Kitarović
HRV: Zoran Milanovic => Zoran Milanović
HRV: Andrej Plenkovic => Andrej Plenković
HTI: Michel Joseph Martelly => Michel Martelly
HTI: Jovenel Moi’se => Jovenel Moïse
HTI: Edgar Leblanc Fils => Edgard Leblanc Fils
HTI: Jean Victor Geneus => Jean Victor Généus
HUN: Janos Ader => János Áder
HUN: Katalin Novak => Katalin Novák
IRL: Michael Higgins => Michael D. Higgins | Michael Higgins
IRL: Micheal Martin => Micheál Martin
IRQ: Ibrahim Abulkarim Al-Jafari ; Ibrahim Adbulkarim Al-Jafari => Ibrahim al-Jaafari
ISL: Lilja Dögg Alfreðsdóttir => Lilja Alfreðsdóttir | Lilja Dögg Alfreðsdóttir
ISL: Gudlaugur Thór Thórdarson ; Gudlaugur Thor Thordarson => Guðlaugur Þór Þórðarson
ISL: Thordis Kolbrun Reykfjord Gylfadottir ; Thórdís Kolbrún Reykfjörd Gylfadóttir => Þórdís Kolbrún Reykfjörð Gylfadóttir | Thórdís Kolbrún Reykfjörd Gylfadóttir
JOR: Abdullah II ibn Al Hussein ; Abdullah II bin Al Hussein => Abdullah II
KAZ: Kassym Jomart Tokayev => Kassym-Jomart Tokayev
KEN: William Samoei Ruto => William Ruto
KEN: Amina Chawahir Mohamed => Amina Mohamed
KGZ: Almazbek Atambaev => Almazbek Atambayev | Almazbek Atambaev
KGZ: Sadyr Zhaparov => Sadyr Japarov | Sadyr Zhaparov | Zhaparov
KHM: Akka Moha Sena Padei Techo Hun Sen => Hun Sen
KHM: Moha Borvor Thipadei Manet Hun => Hun Manet
KNA: Timothy S. Harris => Timothy Harris
KNA: Terrance Micheal Drew ; Terrance Michael Drew => Terrance Drew
KWT: Jaber Al-Mubarak Al-Hamad Al Sabah ; Jaber Al-Mubarak Al-Hamed Al Sabah => Jaber Al-Mubarak Al-Hamad Al-Sabah
KWT: Sabah Khaled Al-Hamad Al-Sabah ; Sabah Al Khalid Al Sabah => Sabah Al-Khalid Al-Sabah | Sabah Khalid Al-Hamad Al-Sabah
LBR: Ellen Johnson-Sirleaf => Ellen Johnson Sirleaf | Ellen Johnson-Sirleaf | Johnson Sirleaf
LBR: George Manneh Weah => George Weah
LBR: Joseph Nyuma Boakai => Joseph Boakai
LBY: Agila Saleh Essa Gwaider => Aguila Saleh Issa | Aguila Saleh | Agila Saleh
LBY: Mohamed al Menfi ; Mohamed Younis Menfi ; Mohamed Younis A Menfi => Mohamed al-Menfi | Mohamed Younis al-Menfi
LBY: Faiez Mustafa Serraj => Fayez al-Sarraj | Fayez al-Serraj | Sarraj | Serraj
LCA: Allen Michael Chastanet => Allen Chastanet
LCA: Philip Joseph Pierre => Philip J. Pierre
LCA: Alva Romanus Baptiste => Alva Baptiste
LIE: Alois von und zu Liechtenstein => Prince Alois of Liechtenstein | Hereditary Prince Alois
LKA: Maithripala Siresena => Maithripala Sirisena
LSO: Letsie III => Letsie III | King Letsie III
LSO: Pakalitha Bethuel Mosisili => Pakalitha Mosisili
LSO: Thomas Motsoahae Thabane => Tom Thabane | Thomas Thabane
LSO: Ntsokoane Samuel Matekane => Sam Matekane | Samuel Matekane
LTU: Gitanas Nauseda => Gitanas Nausėda
LVA: Edgars Rinkevics => Edgars Rinkēvičs
MAR: M Saad-Eddine El Othmani ; M. Saad-Eddine El Othmani ; Saad-Eddine El Othmani => Saadeddine Othmani | Saad-Eddine El Othmani | Saad Eddine El Othmani | El Othmani
MCO: Albert II ; Albert II of Monaco => Albert II of Monaco | Prince Albert II | Prince Albert
MDG: Hery Martial Rajaonarimampianina Rakotoarimanana => Hery Rajaonarimampianina
MDG: Andry Nirina Rajoelina => Andry Rajoelina
MDV: Abdullah Shahid => Abdulla Shahid
MHL: Christopher J. Loeak => Christopher Loeak
MHL: Hilda C. Heine => Hilda Heine
MHL: John M. Silk => John Silk
MKD: Giorge Ivanov => Gjorge Ivanov
MKD: Stevo Pensarovski => Stevo Pendarovski
MLI: Ibrahim Boubacar Keita ; Ibrahim Keita => Ibrahim Boubacar Keïta | Ibrahim Boubacar Keita
MLI: Abdoulaye Maiga => Abdoulaye Maïga
MMR: Aung San Sun Kyi => Aung San Suu Kyi | Suu Kyi
MNE: Milo Dukanović => Milo Đukanović
MNE: Jakov Milatovic => Jakov Milatović
MNE: Dritan Abazovic => Dritan Abazović
MNE: Filip Ivanovic => Filip Ivanović
MNE: Srdan Darmanovic => Srđan Darmanović
MNG: Elbegdorj Tsakhia ; Tsakhia Elbegdorj => Tsakhiagiin Elbegdorj | Tsakhia Elbegdorj
MNG: Battulga Khaltmaa => Khaltmaagiin Battulga | Battulga Khaltmaa
MNG: Ukhnaa Khurelsukh ; Khurelsukh Ukhnaa ; Ukhnaagiin Khürelsükh => Ukhnaagiin Khürelsükh | Ukhnaa Khurelsukh | Khurelsukh Ukhnaa
MNG: Tsogtbaatar Damdin => Damdin Tsogtbaatar
MOZ: Filipe Jacinto Nyusi => Filipe Nyusi | Filipe Jacinto Nyusi
MOZ: Jose Condungua Antonio Pacheco => José Pacheco
MRT: Mohamed Ould Cheikh El Ghazouani => Mohamed Ould Ghazouani | Mohamed Ould Cheikh El Ghazouani | Ould Ghazouani
MRT: Ismael Ould Cheikh Ahmed ; Ismail Ould Cheikh Ahmed => Ismail Ould Cheikh Ahmed | Ould Cheikh Ahmed
MUS: Pravind Kumar Jugnauth => Pravind Jugnauth
MUS: Paramasivum Pillay Vyapoory => Pillay Vyapoory | Paramasivum Pillay Vyapoory
MWI: Arthur Peter Mutharika => Peter Mutharika | Arthur Peter Mutharika
MWI: Lazarus McCarthy Chakwera => Lazarus Chakwera
MYS: Mohd Najib bin Tun Haji Abdul Razak => Najib Razak | Najib Abdul Razak
MYS: Mahathir bin Mohamad => Mahathir Mohamad | Mahathir bin Mohamad
MYS: Muhyiddin Mohd Yassin => Muhyiddin Yassin
NER: Bakary Yaou Sangaré => Bakary Yaou Sangaré
NIC: Denis Ronaldo Moncada Colindres ; Ronaldo Moncada Colindres => Denis Moncada
NIC: Valdrack Ludwing Jaentschke Whitaker => Valdrack Jaentschke
NLD: Willem-Alexander => Willem-Alexander | King Willem-Alexander
NOR: Jonas Gahr Store => Jonas Gahr Støre
NPL: K.P. Sharma Oli ; K. P. Sharma Oli => K. P. Sharma Oli | KP Sharma Oli | K.P. Sharma Oli | Sharma Oli
NPL: Pushpa Kamal Dahal => Pushpa Kamal Dahal | Prachanda
NRU: Baron Divavesi Waqa => Baron Waqa
NRU: Lionel Rouwen Aingimea => Lionel Aingimea
NRU: David Ranibok Adeang => David Adeang
NZL: Jacinda Arden => Jacinda Ardern
OMN: Yousef Bin Al-Alawi Bin Abdulla ; Yousuf bin Alawi bin Abdallah => Yusuf bin Alawi bin Abdullah | Yousuf bin Alawi
OMN: Badr bin Hamad bin Hamood Albusaidi ; Badr Albusaidi => Badr Albusaidi | Badr bin Hamad Albusaidi | Badr bin Hamad Al Busaidi
PAK: Muhammad Nawaz Sharif => Nawaz Sharif | Muhammad Nawaz Sharif
PAK: Muhammad Shehbaz Sharif => Shehbaz Sharif | Shahbaz Sharif | Muhammad Shehbaz Sharif
PAK: Makhdoom Shah Mahmood Hussain Qureshi => Shah Mahmood Qureshi
PAN: Juan Carlos Varela Rodríguez => Juan Carlos Varela
PAN: Laurentino Cortizo Cohen => Laurentino Cortizo
PAN: José Raúl Mulino Quintero => José Raúl Mulino
PER: Pedro Pablo Kuczynski Godard => Pedro Pablo Kuczynski
PER: Martín Vizcarra Cornejo ; Martin Vizcarra Cornejo => Martín Vizcarra
PER: Pedro Castillo Terrones => Pedro Castillo
PER: Dina Ercilia Boluarte Zegarra => Dina Boluarte
PER: Elmer Schialer Salcedo => Elmer Schialer
PHL: Rodrigo Roa Duterte => Rodrigo Duterte
PHL: Ferdinand Romualdez Marcos => Ferdinand Marcos Jr. | Bongbong Marcos | Ferdinand Romualdez Marcos
PHL: Perfecto Rivas Yasay => Perfecto Yasay
PHL: Teodoro L. Locsin => Teodoro Locsin | Teodoro Locsin Jr.
PHL: Enrique Austria Manalo => Enrique Manalo
PLW: Tommy Esang Remengesau => Tommy Remengesau
PLW: Gustav N. Aitaro => Gustav Aitaro
PNG: Peter Paire O’Neill => Peter O'Neill
PNG: Janies Marape => James Marape
PRT: Aníbal António Cavaco Silva => Aníbal Cavaco Silva | Cavaco Silva
PRT: Marcelo Rebelo de Sousa => Marcelo Rebelo de Sousa | Rebelo de Sousa
PRT: António Luís Santos da Costa ; Antonio Costa => António Costa
PRY: Horacio Manuel Cartes Jara => Horacio Cartes
PRY: Mario Abdo Benitez => Mario Abdo Benítez | Abdo Benítez
PRY: Santiago Pena Palacios ; Santiago Peña Palacios => Santiago Peña
PRY: Eladio Ramón Loizaga Lezcano => Eladio Loizaga
QAT: Tamim bin Hamad Al-Thani => Tamim bin Hamad Al Thani
ROU: Klaus Werner Iohannis => Klaus Iohannis
ROU: Bogdan Lucian Aurescu => Bogdan Aurescu
SDN: Abdel-Fattah Al-Burhan Abdelrahman Al-Burhan => Abdel Fattah al-Burhan | Abdel-Fattah al-Burhan | al-Burhan
SDN: Abdalla Adam Hamdok => Abdalla Hamdok
SDN: Ibrahim Ahmed Abd al-Aziz Ghandour => Ibrahim Ghandour
SDN: Eldirdiri Mohamed Ahmed => Al-Dirdiri Mohamed Ahmed
SEN: Macky Sail => Macky Sall
SEN: Bassírou Diomaye Diakhar Faye => Bassirou Diomaye Faye | Diomaye Faye
SLB: Manasseh Damukana Sogavare => Manasseh Sogavare
SLB: Ricky Nelson Houenipwela => Rick Houenipwela | Ricky Houenipwela
SLE: Samura M.W. Kamara => Samura Kamara
SLV: Nayib Armando Bukele => Nayib Bukele
SLV: Hugo Roger Martínez Bonilla => Hugo Martínez
SOM: Mohamed Abdullahi Mohamed Farmajo ; Mohamed Abdullahi Mohamed => Mohamed Abdullahi Farmaajo | Mohamed Abdullahi Mohamed | Farmajo
SOM: Hassan Ali Khayre => Hassan Ali Khaire | Khayre
SOM: Abdusalam Hadliyeh Omer => Abdusalam Omer
SOM: Ahmed Awad Isse => Ahmed Isse Awad
SRB: Aleksandar Vucic => Aleksandar Vučić
SSD: Salva Kiir Mayardit => Salva Kiir | Salva Kiir Mayardit
SSD: Ramadhan Abdalla Mohammed Goc => Ramadan Mohamed Abdallah Goc
STP: Evaristo do Espirito Santo Carvalho => Evaristo Carvalho
STP: Carlos Manuel Vila Nova => Carlos Vila Nova
STP: Patrice Emery Trovoada => Patrice Trovoada
STP: Urbino José Gonçalves Botelho => Urbino Botelho
SUR: Chandrikapersad Santokhi => Chan Santokhi | Chandrikapersad Santokhi
SUR: Yldiz Pollack-Beigle => Yldiz Pollack-Beighle
SVK: Zuzana Caputova => Zuzana Čaputová
SVN: Natasa Pirc Musar => Nataša Pirc Musar
SWE: Stefan Lofven => Stefan Löfven
SWE: Ann Christin Linde => Ann Linde
SWE: Tobias Billstrom => Tobias Billström
SWZ: Mswati III => Mswati III | King Mswati III
TCD: Idriss Deby Itno => Idriss Déby | Idriss Déby Itno
TCD: Mahamat Déby => Mahamat Idriss Déby | Mahamat Déby
TCD: Allah Maye Halina => Allamaye Halina
TCD: Moussa Faki Mahamat => Moussa Faki | Moussa Faki Mahamat
TCD: Awatif Altidjani Ahmed Koiboro => Awatif Koiboro
TGO: Faure Essozimna Gnassingbé => Faure Gnassingbé
TGO: Selom Komi Klassou => Selom Klassou
THA: Prayut Chan o cha => Prayut Chan-o-cha
THA: Pramudwinai => Don Pramudwinai
THA: Maris Sangiampongsa => Maris Sangiampongsa
TKM: Gurbanguly Berdimuhamedow => Gurbanguly Berdimuhamedov | Gurbanguly Berdimuhamedow
TLS: Francisco Guterres Lu-Olo => Francisco Guterres | Lu-Olo
TLS: Jose Ramos-Horta => José Ramos-Horta
TLS: Kay Rala Xanana Gusmão => Xanana Gusmão | Kay Rala Xanana Gusmão
TLS: Dionisio da Costa Babo Soares => Dionísio Babo Soares
TON: Tupou VI => Tupou VI | King Tupou VI
TON: Samiuela ‘Akilisi Pohiva => ʻAkilisi Pōhiva | Akilisi Pohiva
TON: Pohiva Tu’i’onetoa ; Pohiva Tuʻiʻonetoa => Pohiva Tuʻiʻonetoa
TON: Siaosi ‘Ofakivahafolau Sovaleni ; Siaosi ’Ofakivahafolau Sovaleni ; Siaosi 'Ofakivahafolau Sovaleni => Siaosi Sovaleni
TTO: Denis Moses => Dennis Moses
TUN: Béji Caïd Essebsi => Béji Caïd Essebsi | Beji Caid Essebsi
TZA: Jakaya Mrisho Kikwete => Jakaya Kikwete
TZA: Samia Suluhu Hassan => Samia Suluhu Hassan | Samia Suluhu
TZA: Kassim Majaliwa Majaliwa => Kassim Majaliwa
TZA: Augustine Phillip Mahiga => Augustine Mahiga
UGA: Yoweri Kaguta Museveni => Yoweri Museveni
UKR: Petro Poroshenk => Petro Poroshenko
URY: Tabare Vazquez ; Tabaré Vásquez => Tabaré Vázquez
VEN: Nicolás Maduro Moros ; Nicolas Maduro Moros => Nicolás Maduro
VEN: Delcy Eloina Rodriguez Gómez => Delcy Rodríguez
VEN: Carlos Faria Tortosa => Carlos Faría
VEN: Yvan Gil Pinto => Yván Gil
VNM: Lam To => To Lam | Tô Lâm
VNM: Nguyễn Xuân Phúc => Nguyễn Xuân Phúc | Nguyen Xuan Phuc
VUT: Meltek Sato Kilman Livtuvanu => Sato Kilman
VUT: Charlot Salwai Tabimasmas => Charlot Salwai
WSM: Fiamē Naomi Mataʻafa ; Fiame Naomi Mataafa ; Fiame Naomi Mata’afa ; Fiamē Naomi Mata'afa => Fiamē Naomi Mataʻafa | Fiame Naomi Mataafa | Naomi Mataʻafa
YEM: Abdrabuh Mansour Hadi Mansour => Abdrabbuh Mansur Hadi | Abd Rabbuh Mansur Hadi
YEM: Rashad Mohammed Al-Alimi => Rashad al-Alimi | Rashad Mohammed al-Alimi
YEM: Mohammed Abdullah Al-Hadhrami => Mohammed al-Hadhrami
YEM: Ahmad Awad bin Mubarak => Ahmed Awad bin Mubarak
ZMB: Edgar Chagwa Lungu => Edgar Lungu
ZWE: Emmerson Dambudzo Manangagwa ; Emmerson Dambudzo Mnangagwa => Emmerson Mnangagwa
ZWE: Frederick Makamure Shava => Frederick Shava
"""
CANON = {}
for _line in CANON_TEXT.strip().splitlines():
    _code, _rest = _line.split(":", 1)
    _variants, _target = _rest.split("=>")
    _target = [t.strip() for t in _target.split("|")]
    for _v in [v.strip() for v in _variants.split(";")] + [_target[0]]:
        CANON[(_code.strip(), key(_v))] = _target


def canon_entry(code, cleaned):
    v = CANON.get((code, key(cleaned)))
    if v is None:
        return cleaned, []
    return v[0], v[1:]


# Bare-surname alias for attested people: "Canonical => surname", "-" for none.  Default: the last
# word of the canonical name when it has 2+ words.  All pass the alias checks below.
SURNAME_TEXT = """
Ashraf Ghani => -
Abdullah Abdullah => -
Antoni Martí => -
Abdullah bin Zayed Al Nahyan => -
Khalifa Shaheen Al Marar => -
Reem Al Hashimy => -
Alexander De Croo => De Croo
Charles Michel => -
Patrice Talon => -
Olushegun Adjadi Bakari => -
Alpha Barry => -
Sheikh Hasina => Hasina
Hamad bin Isa Al Khalifa => -
Khalid bin Ahmed Al Khalifa => -
Abdullatif Al Zayani => -
Francis Fonseca => -
Evo Morales => -
Jeanine Áñez => Áñez
Celinda Sosa => -
Lim Jock Seng => -
Erywan Yusof => -
Tshering Tobgay => Tobgay
Tshering Wangchuk => -
Lotay Tshering => -
Damcho Dorji => -
Tandi Dorji => -
Unity Dow => -
Ueli Maurer => -
Lejeune Mbella Mbella => -
Denis Sassou Nguesso => Sassou Nguesso
Juan Manuel Santos => -
Gustavo Petro => -
Mbae Mohamed => -
Jorge Carlos Fonseca => -
José Maria Neves => -
Ulisses Correia e Silva => -
Luís Filipe Tavares => -
Luis Guillermo Solís => -
Carlos Alvarado => -
Epsy Campbell Barr => -
Arnoldo André Tinoco => -
Raúl Castro => -
Miguel Díaz-Canel => -
Bruno Rodríguez Parrilla => -
Petr Pavel => -
Mahmoud Ali Youssouf => -
Sylvanie Burton => -
Francine Baron => -
Lars Løkke Rasmussen => -
Danilo Medina => -
Miguel Vargas => -
Roberto Álvarez => -
Rafael Correa => -
Lenín Moreno => -
Guillaume Long => -
Abdel Fattah al-Sisi => Sisi
Osman Saleh => -
Felipe VI => -
Pedro Sánchez => -
José Manuel García-Margallo => -
Hailemariam Desalegn => Hailemariam
Abiy Ahmed => Abiy
Workineh Gebeyehu => -
Demeke Mekonnen => -
Taye Atske Selassie => -
Peter Christian => -
Ali Bongo Ondimba => -
Brice Oligui Nguema => -
Raymond Ndong Sima => -
Alain-Claude Bilie-By-Nze => -
Nana Akufo-Addo => Akufo-Addo
Alpha Condé => -
Amadou Oury Bah => -
François Louncény Fall => -
Mamadi Touré => -
Adama Barrow => -
José Mário Vaz => -
Suzi Barbosa => -
Teodoro Obiang Nguema Mbasogo => Obiang
Simeón Oyono Esono Angue => -
Dickon Mitchell => -
Elvin Nimrod => -
Peter David => -
Oliver Joseph => -
Jimmy Morales => -
Carlos Raúl Morales => -
David Granger => -
Irfaan Ali => -
Karen Cummings => -
Juan Orlando Hernández => -
Xiomara Castro => -
Edgard Leblanc Fils => -
Ariel Henry => -
Bocchit Edmond => -
Katalin Novák => -
Michael D. Higgins => -
Micheál Martin => -
Charles Flanagan => -
Arnold Nicholson => -
Kamina Johnson Smith => -
Abdullah II => -
Amina Mohamed => -
Hun Sen => -
Hun Manet => -
Timothy Harris => -
Terrance Drew => -
Jaber Al-Mubarak Al-Hamad Al-Sabah => -
Sabah Al-Khalid Al-Sabah => -
Ahmad Nawaf Al-Ahmad Al-Sabah => -
Tammam Salam => -
Ellen Johnson Sirleaf => Sirleaf
Aguila Saleh Issa => -
Mohamed al-Menfi => Menfi
Fayez al-Sarraj => -
Philip J. Pierre => -
Alva Baptiste => -
Prince Alois of Liechtenstein => -
Ali Sabry => -
Letsie III => -
Tom Thabane => Thabane
Sam Matekane => Matekane
Saadeddine Othmani => Othmani
Albert II of Monaco => -
Pavel Filip => -
Mohamed Asim => -
Abdulla Shahid => -
Ahmed Khaleel => -
John Silk => -
Gjorge Ivanov => -
Ibrahim Boubacar Keïta => -
Choguel Kokalla Maïga => -
Abdoulaye Maïga => -
Abdoulaye Diop => -
Joseph Muscat => -
Aung San Suu Kyi => -
Wunna Maung Lwin => -
Duško Marković => -
Filip Ivanović => -
Tsakhiagiin Elbegdorj => Elbegdorj
Khaltmaagiin Battulga => Battulga
Ukhnaagiin Khürelsükh => Khürelsükh
Damdin Tsogtbaatar => Tsogtbaatar
José Pacheco => -
Mohamed Ould Ghazouani => Ghazouani
Isselkou Ould Ahmed Izid Bih => -
Ismail Ould Cheikh Ahmed => -
Mohamed Salem Ould Merzoug => Merzoug
Pillay Vyapoory => Vyapoory
Najib Razak => -
Mahathir Mohamad => Mahathir
Muhyiddin Yassin => Muhyiddin
Ismail Sabri Yaakob => -
Anwar Ibrahim => -
Anifah Aman => -
Mohamad Hasan => -
Aïchatou Boulama Kané => -
Bakary Yaou Sangaré => -
Willem-Alexander => -
Jonas Gahr Støre => Støre
Espen Barth Eide => -
K. P. Sharma Oli => -
Russ Kun => -
John Key => -
Yusuf bin Alawi bin Abdullah => -
Nawaz Sharif => -
Shehbaz Sharif => -
Shahid Khaqan Abbasi => -
Imran Khan => -
Shah Mahmood Qureshi => -
Juan Carlos Varela => -
José Raúl Mulino => Mulino
Pedro Castillo => -
Albert del Rosario => -
Peter O'Neill => -
Rimbink Pato => -
Soroi Eoe => -
Ri Su Yong => -
Ri Yong Ho => -
Aníbal Cavaco Silva => -
Marcelo Rebelo de Sousa => -
António Costa => -
Luís Montenegro => -
Mario Abdo Benítez => -
Santiago Peña => -
Antonio Rivas Palacios => -
Tamim bin Hamad Al Thani => -
Abdel Fattah al-Burhan => Burhan
Al-Dirdiri Mohamed Ahmed => -
Macky Sall => -
Bassirou Diomaye Faye => -
Sidiki Kaba => -
Amadou Ba => -
Lee Hsien Loong => -
Ernest Bai Koroma => -
Julius Maada Bio => -
Samura Kamara => -
Salvador Sánchez Cerén => Sánchez Cerén
Hugo Martínez => -
Nicola Renzi => -
Pasquale Valentini => -
Mohamed Abdullahi Farmaajo => Farmaajo
Hassan Sheikh Mohamud => -
Hamza Abdi Barre => -
Abdusalam Omer => -
Ahmed Isse Awad => -
Tomislav Nikolić => -
Salva Kiir => Kiir
Ramadan Mohamed Abdallah Goc => -
Evaristo Carvalho => -
Carlos Vila Nova => -
Manuel Salvador dos Ramos => -
Urbino Botelho => -
Nataša Pirc Musar => Pirc Musar
Ann Linde => -
Mswati III => -
Barnabas Sibusiso Dlamini => -
Ambrose Mandvulo Dlamini => -
Cleopas Dlamini => -
Russell Mmiso Dlamini => -
Danny Faure => -
Idriss Déby => Déby
Mahamat Idriss Déby => Déby
Moussa Faki => Faki
Brahim Hisseine Taha => -
Mahamat Zene Cherif => -
Amine Abba Sidick => Sidick
Prayut Chan-o-cha => Prayut
Srettha Thavisin => Srettha
Don Pramudwinai => -
Maris Sangiampongsa => -
Francisco Guterres => -
Rui Maria de Araújo => -
Xanana Gusmão => Gusmão
Dionísio Babo Soares => -
Tupou VI => -
ʻAkilisi Pōhiva => Pōhiva
Keith Rowley => -
Dennis Moses => -
Amery Browne => -
Nabil Ammar => -
Feleti Teo => -
Samia Suluhu Hassan => -
Tabaré Vázquez => -
Luis Lacalle Pou => Lacalle Pou
Rodolfo Nin Novoa => Nin Novoa
Ralph Gonsalves => -
Delcy Rodríguez => -
Carlos Faría => -
Yván Gil => -
Nguyen Phu Trong => -
Nguyễn Xuân Phúc => -
To Lam => -
Pham Minh Chinh => -
Pham Binh Minh => -
Tuilaepa Sailele Malielegaoi => Tuilaepa
Fiamē Naomi Mataʻafa => Mataʻafa
Abdrabbuh Mansur Hadi => -
Rashad al-Alimi => al-Alimi
Mohammed al-Hadhrami => al-Hadhrami
Ahmed Awad bin Mubarak => -
Ilir Meta => -
Edi Rama => -
Gaston Browne => -
Philip Davis => -
Fred Mitchell => -
Freundel Stuart => -
Kandia Camara => -
Abdullah Shahid => -
Guðlaugur Þór Þórðarson => Þórðarson
Samuel Rangba => Rangba
Ibrahim Keita => -
Ferdinand Marcos Jr. => Marcos
"""
SURNAME = {}
for _line in SURNAME_TEXT.strip().splitlines():
    _n, _s = [x.strip() for x in _line.split("=>")]
    SURNAME[_n] = "" if _s == "-" else _s

# Bare one-word aliases never used: common English words, very common names or surnames, words
# that are also places or institutions, or surnames too short/ambiguous to stand alone.
STOP_ALIASES = {
    # very common surnames or given names (East Asian, South Asian, Arabic, Hispanic, English, ...)
    "Lee", "Kim", "Park", "Moon", "Yoon", "Han", "Cho", "Choi", "Chung", "Kang", "Song", "Yun", "Ban",
    "Wang", "Yang", "Tang", "Jiang", "Nguyen", "Pham", "Tran", "Khan", "Singh", "Sinha", "Patil",
    "Mukherjee", "Narayanan", "Krishna", "Ali", "Ahmed", "Ahmad", "Hassan", "Hussein", "Mohamed",
    "Mohammed", "Muhammad", "Mohamad", "Mahmoud", "Abdullah", "Abdulla", "Ibrahim", "Salih", "Saleh",
    "Mustafa", "Abbas", "Sharif", "Wahid", "Anwar", "Najib", "Yusof", "Youssouf", "Mohamud", "Mahamat",
    "Abdel", "Abdo", "Ghani", "Rashid", "Bashir", "Fernández", "Rodríguez", "Sánchez", "Hernández",
    "Vázquez", "Vásquez", "González", "Martínez", "Pérez", "García", "López", "Moreno", "Morales",
    "Castro", "Castillo", "Medina", "Ortega", "Silva", "Santos", "Sousa", "Costa", "Vieira", "Araújo",
    "Nunes", "Serra", "Alvarado", "Solís", "Varela", "Peña", "Correa", "Gil", "Dlamini", "Kamara",
    "Koroma", "Jallow", "Traoré", "Touré", "Keita", "Maïga", "Diop", "Camara", "Condé", "Sall", "Kaba",
    "Fall", "Dorji", "Tshering", "Rasmussen", "Novak", "Nikolić", "Ivanov", "Mammadov", "Guliyev",
    "Sargsyan", "Asadov", "Salehi", "Bagheri", "Johnson", "Smith", "Brown", "Young", "Wood", "King",
    "Cook", "Martin", "Graham", "Howard", "Abbott", "Powell", "Payne", "Bishop", "Wong", "Carr",
    "Hammond", "Hunt", "Cooper", "Beckett", "Straw", "Emerson", "Nicholson", "Mitchell", "Browne",
    "Davis", "Harris", "Drew", "Peters", "Stuart", "Duncan", "Burton", "Granger", "Rowley", "Joseph",
    "Pierre", "Henry", "George", "Christian", "Gabriel", "Philippe", "Pavel", "Francis", "Otto",
    "Bennett", "Levy", "Cohen", "Katz", "Lieberman", "Tanaka", "Hayashi", "Matsumoto", "Mori",
    # common English (or other) words, places and brands
    "May", "Rice", "Fox", "Green", "Key", "Store", "Silk", "Baron", "Barrow", "Cannon", "Champagne",
    "Dion", "Borne", "Hague", "Sharon", "Shalom", "Ashkenazi", "Temu", "Tito", "Pato", "Bio", "Linde",
    "Muscat", "Montenegro", "Manet", "Suga", "Conte", "Grasso", "Amato", "Meade", "Espinosa", "Fischer",
    "Rama", "Petro", "Maliki", "al-Maliki", "Gul", "Yildirim", "Yıldırım", "Fuente", "França",
    "Figueiredo", "Alhakim", "Sabri", "Sodano", "Gallagher", "Safar", "Khamis", "Mero", "Zuabi",
    "Jalali", "Fattouh", "Saud", "Thani", "Nahyan", "Khalifa", "Sabah",
}# Curated single-word aliases allowed although shorter than 4 letters.
SHORT_OK = {"Xi", "Gül"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--curated", default=os.path.join(ROOT, "data", "leaders_curated.tsv"))
    ap.add_argument("--gazetteer", default=os.path.join(ROOT, "data", "gazetteer.tsv"))
    ap.add_argument("--out", default=os.path.join(ROOT, "data", "leaders.tsv"))
    ap.add_argument("--report", action="store_true", help="print the attested people and dropped aliases")
    args = ap.parse_args()

    # ---- curated ----
    curated = []
    with open(args.curated, encoding="utf-8", newline="") as f:
        rd = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rd)
        assert header == COLUMNS, header
        for n, r in enumerate(rd, 2):
            if not r or r[0].startswith("#"):
                continue
            assert len(r) == 7, (args.curated, n, r)
            curated.append(dict(zip(COLUMNS, r)))
    print(f"curated rows: {len(curated)}", file=sys.stderr)

    # ---- UN General Debate speakers ----
    path = os.path.join(args.shared, "actors", "un_general_debate_speakers.tsv")
    with open(path, encoding="utf-8", newline="") as f:
        raw_lines = f.read().count("\n")
    with open(path, encoding="utf-8", newline="") as f:
        # Some speaker fields are quoted and contain newlines or doubled quotes: the excel-tab
        # dialect (quote char '"') reads them as one field.
        rows = list(csv.reader(f, dialect="excel-tab"))
    header, rows = rows[0], rows[1:]
    assert header == ["year", "session", "iso3", "country", "speaker", "post"], header
    bad = [r for r in rows if len(r) != 6]
    assert not bad, bad[:3]
    print(f"speakers: {len(rows)} rows ({raw_lines - 1} physical lines)", file=sys.stderr)

    gaz_texts = set()
    if os.path.exists(args.gazetteer):
        with open(args.gazetteer, encoding="utf-8") as f:
            for line in f.read().splitlines()[1:]:
                p = line.split("\t")
                if len(p) >= 4:
                    gaz_texts.add(p[3])

    # ---- attested offices ----
    cur_by = collections.defaultdict(list)
    for r in curated:
        cur_by[(r["code"], r["role"])].append(r)

    def covered(code, role, name, year):
        """The curated row for this country and role naming this person, preferring one whose
        term includes September of `year`; None if no curated row names the person."""
        tk = tokens(name)
        last = key(name).split()[-1] if key(name) else ""
        strong, weak = [], []
        for r in cur_by.get((code, role), []):
            if any(tokens(f) and tk and (tokens(f) <= tk or tk <= tokens(f))
                   for f in [r["name"]] + [a for a in r["aliases"].split("|") if a]):
                strong.append(r)
                continue
            rl = key(r["name"]).split()[-1]
            if last and (rl == last or (len(last) >= 5 and difflib.SequenceMatcher(None, rl, last).ratio() >= 0.85)):
                weak.append(r)
        cands = strong or weak
        for r in cands:
            if r["start"] <= f"{year}-09-30" and (not r["end"] or r["end"] > f"{year}-09-15"):
                return r
        if cands:
            out_of_term.append((code, year, role, name, cands[0]["name"]))
            return cands[0]
        return None

    out_of_term = []
    groups = collections.OrderedDict()
    skipped_posts = collections.Counter()
    n_cov = 0
    for year, _session, code, _country, speaker, post in rows:
        year = int(year)
        if year < FIRST_YEAR:
            continue
        code = CODE_FIX.get(code.strip(), code.strip())
        if code in SKIP_CODES or (code, year) in BAD_ROWS:
            continue
        post = re.sub(r"\s+", " ", post).strip()
        role = ROLE_FIX.get((code, year)) or post_role(post, code)
        name = clean_name(speaker)
        if not role or not name:
            skipped_posts[post or "(none)"] += 1
            continue
        canon, extra = canon_entry(code, name)
        if covered(code, role, canon, year) or covered(code, role, name, year):
            n_cov += 1
            continue
        g = groups.setdefault((code, role, key(canon)), {"years": set(), "posts": collections.Counter(),
                                                         "forms": collections.Counter(), "extra": set()})
        g["years"].add(year)
        g["posts"][post] += 1
        g["forms"][canon] += 1
        g["extra"].update(extra)
    print(f"speaker rows covered by curated rows: {n_cov}; attested offices: {len(groups)}", file=sys.stderr)
    for code, year, role, name, cname in out_of_term:
        print(f"  note: {code} {year} {role} speaker {name!r} matches curated {cname!r} but no curated term covers September {year}", file=sys.stderr)

    def years_text(ys):
        ys = sorted(ys)
        out, i = [], 0
        while i < len(ys):
            j = i
            while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
                j += 1
            out.append(str(ys[i]) if i == j else f"{ys[i]}-{ys[j]}")
            i = j + 1
        return ", ".join(out)

    attested = []
    for (code, role, _k), g in groups.items():
        ys = g["years"]
        # display form: one with diacritics if any, then the most frequent, then the shortest
        canon = max(g["forms"], key=lambda f: (ascii_fold(f) != f, g["forms"][f], -len(f)))
        post = max(g["posts"].items(), key=lambda kv: (kv[1], len(kv[0]) < 60, -len(kv[0])))[0]
        aliases = []
        aliases.extend(sorted(g["extra"]))
        sn = SURNAME.get(canon)
        if sn is None:
            words = canon.split()
            sn = words[-1] if len(words) >= 2 else ""
        if sn:
            aliases.append(sn)
        attested.append({
            "code": code, "role": role, "name": canon, "aliases": "|".join(aliases),
            "start": f"{min(ys)}-01-01", "end": f"{max(ys) + 1}-01-01",
            "source": f'UN General Debate speaker {years_text(ys)}, post "{post}" (attested; exact term dates not in source)',
            "_surname": sn,
        })

    # ---- aliases: variants and checks ----
    rows_out = curated + attested
    person_code = collections.defaultdict(set)  # surface form -> codes of the people it names
    for r in rows_out:
        forms = [r["name"]] + [a for a in r["aliases"].split("|") if a]
        for f in forms:
            person_code[f].add(r["code"])
            person_code[ascii_fold(f)].add(r["code"])
    dropped = collections.OrderedDict()

    def ok_single(a, r):
        if a in SHORT_OK:
            return True
        why = None
        if a in STOP_ALIASES:
            why = "common word/name or ambiguous"
        elif len(a) < 4:
            why = "shorter than 4 letters"
        elif len(person_code.get(a, ())) > 1:
            why = "shared by people of " + "/".join(sorted(person_code[a]))
        elif a in gaz_texts or ascii_fold(a) in gaz_texts:
            why = "place name in the gazetteer"
        if why:
            dropped.setdefault(a, (why, set()))[1].add(r["name"])
            return False
        return True

    for r in rows_out:
        out = []
        for a in [x for x in r["aliases"].split("|") if x]:
            single = " " not in a
            if single and not ok_single(a, r):
                continue
            if not single and len(person_code.get(a, ())) > 1:
                dropped.setdefault(a, ("shared by people of " + "/".join(sorted(person_code[a])), set()))[1].add(r["name"])
                continue
            out.append(a)
        variants = []
        for a in [r["name"]] + out:
            for v in (ascii_fold(a), a.replace("'", "’") if "'" in a else None):
                if v and v != a and v not in variants and v != r["name"] and v not in out:
                    if " " not in v and not ok_single(v, r):
                        continue
                    variants.append(v)
        seen, final = set(), []
        for a in out + variants:
            if a not in seen and a != r["name"]:
                seen.add(a)
                final.append(a)
        r["aliases"] = "|".join(final)

    # ---- checks ----
    problems = []
    seen = set()
    final_rows = []
    for r in rows_out:
        t = tuple(r[c] for c in COLUMNS)
        if t in seen:
            continue
        seen.add(t)
        for c in COLUMNS:
            if "\t" in r[c] or "\n" in r[c]:
                problems.append(("tab/newline", t))
        try:
            s = date.fromisoformat(r["start"])
            e = date.fromisoformat(r["end"]) if r["end"] else None
            if e and not s < e:
                problems.append(("start >= end", t))
        except ValueError:
            problems.append(("bad date", t))
        final_rows.append(r)
    if problems:
        for p in problems:
            print("PROBLEM", p, file=sys.stderr)
        sys.exit(1)

    final_rows.sort(key=lambda r: (r["code"], ["supreme leader", HS, "crown prince", HG, FM].index(r["role"]) if r["role"] in ["supreme leader", HS, "crown prince", HG, FM] else 9, r["start"], r["name"]))
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for r in final_rows:
            f.write("\t".join(r[c] for c in COLUMNS) + "\n")
    by_role = collections.Counter((("curated" if not r["source"].startswith("UN General Debate") else "attested"), r["role"]) for r in final_rows)
    print(f"wrote {args.out}: {len(final_rows)} rows", file=sys.stderr)
    for k in sorted(by_role):
        print(f"  {k[0]:9} {k[1]:20} {by_role[k]}", file=sys.stderr)
    if args.report:
        print("\nDropped aliases:", file=sys.stderr)
        for a, (why, names) in dropped.items():
            print(f"  {a}: {why} ({', '.join(sorted(names))})", file=sys.stderr)
        print("\nUnused speaker posts:", file=sys.stderr)
        for p, n in skipped_posts.most_common():
            print(f"  {n:4} {p}", file=sys.stderr)


if __name__ == "__main__":
    main()
