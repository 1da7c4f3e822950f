"""Demo practices for trying the portal: ``seed_demo`` calls ``seed_practices()``.

Fictional content set in real places: each practice belongs to a real zone and names real
municipalities of it, but what it tells is made up for the demonstration (every description
and every piece of evidence says so). No real person is named; contacts are offices.

Everything goes through the same services as the portal's pages: a practice's lifecycle
through ``apply_transition`` (submitted by the zone's demo spokesperson, reviewed by the demo
staff user with a note), transfers through ``declare_interest`` and ``move_transfer``. The
records are then dated back along a believable timeline (the services stamp "now").
Idempotent: a practice is keyed by (zone, title), a transfer by (practice, zone), a comment by
(practice, author, text); a second run creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from textwrap import dedent

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from practices import services
from practices.models import Comment, Practice, Theme, Transfer, TransferStep, Transition
from zones.models import Municipality, Zone

STAFF_EMAIL = "staff@example.org"
DEMO_NOTICE = (
    "*Scheda dimostrativa: contenuto di esempio creato per provare il portale, "
    "non il resoconto di un progetto reale.*"
)
EVIDENCE_NOTICE = "(Dati di esempio della dimostrazione, non dati ufficiali.)"

S = Practice.Status
K = Practice.Kind
T = Transfer.Stage

# Theme slugs, as seeded by practices/migrations/0002_seed_themes.py.
HEALTH = "salute-e-sicurezza"
SCHOOL = "scuola-e-istruzione"
MOBILITY = "trasporto-pubblico-e-mobilita"
COMMERCE = "ripresa-economica-e-commercio"
SOCIAL = "servizi-sociali-e-fragilita"
CULTURE = "turismo-e-cultura"
DIGITAL = "servizi-digitali-e-lavoro-agile"
ADMIN = "organizzazione-della-pa"
GREEN = "ambiente-e-verde"
CIVIL = "protezione-civile-e-volontariato"


def spokesperson_email(zone_number: int) -> str:
    return f"portavoce.zona{zone_number}@example.org"


def md(text: str) -> str:
    return dedent(text).strip()


@dataclass(frozen=True)
class DemoPractice:
    zone: int
    title: str
    kind: str
    themes: tuple[str, ...]
    summary: str
    description: str
    institution: str
    municipalities: tuple[str, ...]
    start: date
    end: date | None
    resources: str
    evidence: str
    transfer: str
    contact: str
    status: str
    # When it was first submitted: a date, or (for practices still in review) days ago.
    shared: date | int
    # Staff notes of the rounds of changes requested before the final step.
    rounds: tuple[str, ...] = ()
    # The staff note of the final step (publish, reject, request changes).
    note: str = ""
    archived_on: date | None = None
    archive_note: str = ""
    recheck_by: date | None = None


@dataclass(frozen=True)
class DemoStep:
    stage: str
    days: int  # after the practice was published
    note: str = ""


@dataclass(frozen=True)
class DemoTransfer:
    practice: str  # title
    zone: int
    municipalities: tuple[str, ...]
    steps: tuple[DemoStep, ...]
    cost: Decimal | None = None
    result: str = ""
    drop_reason: str = ""


@dataclass(frozen=True)
class DemoComment:
    practice: str  # title
    zone: int  # the author is this zone's demo spokesperson
    days: int  # after the practice was published
    body: str
    reported_by_zone: int | None = None
    report_reason: str = ""
    hidden_reason: str = ""


PUBLISHED_NOTES = [
    "Scheda completa e chiara: pubblicata nel catalogo.",
    "Pubblicata. Grazie per i dati sui costi, utili alle altre zone.",
    "Pubblicata: è un buon esempio di collaborazione tra Comuni.",
    "Pubblicata. Suggeriamo di aggiornare l'evidenza dei risultati alla prossima verifica.",
]

PRACTICES: list[DemoPractice] = [
    # --- Zona 1 Torino ------------------------------------------------------------------------
    DemoPractice(
        zone=1,
        title="Anagrafe su appuntamento online",
        kind=K.SOLUTION,
        themes=(DIGITAL, ADMIN),
        summary=(
            "Gli sportelli anagrafici ricevono solo su prenotazione, scelta online o per "
            "telefono: nata per evitare le code nella fase 2, è rimasta come modalità ordinaria."
        ),
        description=md("""
            Nella primavera del 2020 le code davanti agli sportelli anagrafici non erano più
            compatibili con le regole sanitarie. Il Comune ha attivato un'agenda di
            prenotazione unica per carte d'identità, residenze e certificati.

            - prenotazione online con SPID o per telefono, per chi non usa internet;
            - promemoria via SMS o e-mail il giorno prima;
            - una quota di posti riservata alle urgenze, gestita dallo sportello.

            Finita l'emergenza l'agenda è rimasta: gli uffici pianificano il personale sulle
            prenotazioni e i cittadini non perdono mezze giornate in attesa.
        """),
        institution="Comune di Torino",
        municipalities=("Torino",),
        start=date(2020, 5, 18),
        end=None,
        resources=(
            "Un'agenda di prenotazione (in riuso da un'altra amministrazione), l'integrazione "
            "con il gestionale anagrafico, due giornate di formazione per gli operatori."
        ),
        evidence=(
            "Nel primo anno la gran parte degli accessi agli sportelli è avvenuta su "
            "prenotazione e i reclami per le attese sono diminuiti in modo evidente."
        ),
        transfer=(
            "Adatta a qualunque Comune con più di uno sportello; i Comuni piccoli possono "
            "condividere l'agenda in forma associata."
        ),
        contact="Ufficio Servizi demografici del Comune di Torino",
        status=S.PUBLISHED,
        shared=date(2020, 9, 14),
        note=PUBLISHED_NOTES[0],
        recheck_by=date(2026, 12, 31),
    ),
    DemoPractice(
        zone=1,
        title="Corsie ciclabili di emergenza sugli assi di ingresso",
        kind=K.PROJECT,
        themes=(MOBILITY, GREEN),
        summary=(
            "Corsie ciclabili realizzate con segnaletica sugli assi che portano in centro, per "
            "offrire un'alternativa ai mezzi pubblici a capienza ridotta."
        ),
        description=md("""
            Con la capienza dei mezzi pubblici ridotta, molte persone rischiavano di tornare
            all'auto. In poche settimane sono state tracciate corsie ciclabili con sola
            segnaletica orizzontale lungo alcuni assi di ingresso alla città.

            Il progetto ha avuto tre fasi: tracciamento provvisorio, ascolto di residenti e
            commercianti, consolidamento dei tratti più usati con cordoli e attraversamenti
            protetti.

            I tratti poco usati o pericolosi sono stati rivisti: la scheda racconta anche
            cosa non ha funzionato.
        """),
        institution="Comune di Torino",
        municipalities=("Torino",),
        start=date(2020, 6, 1),
        end=date(2022, 12, 31),
        resources=(
            "Segnaletica orizzontale e verticale, progettazione interna, un budget dedicato "
            "al consolidamento dei tratti confermati."
        ),
        evidence=(
            "I conteggi periodici sui tratti consolidati hanno mostrato un aumento stabile "
            "dei passaggi in bicicletta rispetto al periodo prima dell'intervento."
        ),
        transfer=(
            "Il metodo (provvisorio, ascolto, consolidamento) serve anche ai Comuni della "
            "cintura per i collegamenti verso le stazioni."
        ),
        contact="Ufficio Mobilità ciclabile del Comune di Torino",
        status=S.PUBLISHED,
        shared=date(2021, 3, 8),
        rounds=("Indicate anche i tratti rimossi e perché: è un'informazione utile.",),
        note=PUBLISHED_NOTES[2],
    ),
    DemoPractice(
        zone=1,
        title="Punti di facilitazione digitale nelle biblioteche civiche",
        kind=K.GOOD_PRACTICE,
        themes=(DIGITAL, SOCIAL),
        summary=(
            "Operatori e volontari aiutano chi non è abituato ai servizi online a ottenere "
            "SPID, usare il fascicolo sanitario e prenotare servizi, nelle biblioteche di "
            "quartiere."
        ),
        description=md("""
            Durante la pandemia molti servizi sono passati online e una parte della
            popolazione è rimasta indietro. Le biblioteche civiche, già presenti in ogni
            quartiere, sono diventate punti di facilitazione digitale.

            - accesso libero in orari fissi e su appuntamento;
            - aiuto per SPID, posta elettronica, fascicolo sanitario, pagamenti online;
            - brevi corsi di gruppo per chi vuole diventare autonomo.

            Il servizio è tenuto da operatori formati e da volontari del servizio civile.
        """),
        institution="Comune di Torino",
        municipalities=("Torino",),
        start=date(2021, 10, 4),
        end=None,
        resources=(
            "Postazioni e connessione nelle biblioteche, operatori formati, volontari del "
            "servizio civile, materiali di aiuto stampati."
        ),
        evidence=(
            "Nel primo anno alcune centinaia di persone si sono rivolte ai punti; molte sono "
            "tornate per servizi diversi, segno che il servizio è conosciuto nel quartiere."
        ),
        transfer=(
            "Replicabile ovunque ci sia una biblioteca o un centro civico; nei piccoli Comuni "
            "può essere itinerante."
        ),
        contact="Ufficio Biblioteche civiche del Comune di Torino",
        status=S.PUBLISHED,
        shared=date(2022, 2, 21),
        note=PUBLISHED_NOTES[1],
        recheck_by=date(2027, 6, 30),
    ),
    DemoPractice(
        zone=1,
        title="Coworking civici nei quartieri",
        kind=K.PROJECT,
        themes=(DIGITAL, COMMERCE),
        summary=(
            "Spazi comunali inutilizzati diventano postazioni di lavoro condivise per chi "
            "lavora a distanza, vicino a casa."
        ),
        description=md("""
            Il lavoro a distanza è rimasto per molte persone anche dopo l'emergenza, ma non
            tutti hanno a casa uno spazio adatto. Il progetto apre postazioni di lavoro in
            locali comunali dei quartieri, con connessione veloce e sale riunioni prenotabili.

            La gestione è affidata con avviso pubblico a realtà del terzo settore, che
            animano anche gli spazi con incontri per il quartiere.
        """),
        institution="Comune di Torino",
        municipalities=("Torino",),
        start=date(2025, 3, 1),
        end=None,
        resources="Locali comunali, arredi, connessione, un avviso pubblico per la gestione.",
        evidence="I primi spazi sono aperti da pochi mesi: i dati d'uso non sono ancora solidi.",
        transfer="Da valutare dopo il primo anno di apertura.",
        contact="Ufficio Patrimonio del Comune di Torino",
        status=S.CHANGES_REQUESTED,
        shared=12,
        note=(
            "Aggiungete i costi di allestimento e di gestione e dite come si prenotano le "
            "postazioni: le altre zone ce lo chiederanno per prime."
        ),
    ),
    # --- Zona 2 AMT Ovest ----------------------------------------------------------------------
    DemoPractice(
        zone=2,
        title="Spesa a domicilio per anziani soli con il volontariato",
        kind=K.GOOD_PRACTICE,
        themes=(SOCIAL, CIVIL),
        summary=(
            "Un numero unico raccoglie le richieste di spesa e farmaci delle persone anziane "
            "sole; i volontari delle associazioni locali consegnano a domicilio."
        ),
        description=md("""
            Nelle prime settimane del 2020 le persone anziane sole non potevano uscire. I
            servizi sociali hanno attivato un numero unico e coordinato le associazioni di
            volontariato già presenti sul territorio.

            1. la richiesta arriva al numero unico o tramite il medico di base;
            2. un operatore la assegna al volontario più vicino;
            3. il pagamento avviene alla consegna, con ricevuta.

            Finita l'emergenza il servizio è rimasto per le persone seguite dai servizi
            sociali, con meno volontari e orari fissi.
        """),
        institution="Comune di Collegno",
        municipalities=("Collegno", "Grugliasco"),
        start=date(2020, 3, 16),
        end=None,
        resources=(
            "Un numero di telefono dedicato, un operatore part-time per il coordinamento, "
            "volontari formati, tesserini di riconoscimento."
        ),
        evidence=(
            "Nei primi mesi il servizio ha seguito alcune decine di persone ogni settimana; "
            "molte sono rimaste in contatto con i servizi sociali anche dopo."
        ),
        transfer="Funziona dove esiste già una rete di associazioni con cui coordinarsi.",
        contact="Ufficio Servizi sociali del Comune di Collegno",
        status=S.PUBLISHED,
        shared=date(2020, 6, 22),
        note=PUBLISHED_NOTES[2],
        recheck_by=date(2025, 12, 31),
    ),
    DemoPractice(
        zone=2,
        title="Navetta a chiamata per le aree produttive",
        kind=K.PROJECT,
        themes=(MOBILITY, COMMERCE),
        summary=(
            "Una navetta prenotabile collega la stazione e le fermate principali alle aree "
            "produttive, negli orari dei turni che le linee ordinarie non coprono."
        ),
        description=md("""
            Con gli orari dei turni sfalsati per ridurre gli affollamenti, molti lavoratori
            delle aree produttive non trovavano più un mezzo pubblico negli orari giusti.

            La navetta si prenota con un'app o per telefono fino a un'ora prima; il percorso
            si adatta alle prenotazioni. Le imprese dell'area partecipano ai costi in base
            al numero di dipendenti che la usano.
        """),
        institution="Comune di Rivoli",
        municipalities=("Rivoli", "Alpignano"),
        start=date(2021, 1, 11),
        end=None,
        resources=(
            "Un mezzo da 16 posti in servizio, una piattaforma di prenotazione, un accordo "
            "con le imprese dell'area per la compartecipazione ai costi."
        ),
        evidence=(
            "La navetta è usata con continuità nei turni del mattino presto e della sera; "
            "alcune imprese hanno chiesto di estendere il servizio al sabato."
        ),
        transfer=(
            "Adatta alle aree produttive lontane dalle linee principali; serve un accordo "
            "con le imprese."
        ),
        contact="Ufficio Mobilità del Comune di Rivoli",
        status=S.PUBLISHED,
        shared=date(2026, 9, 14),
        note=PUBLISHED_NOTES[1],
    ),
    DemoPractice(
        zone=2,
        title="Protocollo condiviso per centri estivi in sicurezza",
        kind=K.SOLUTION,
        themes=(SCHOOL, HEALTH),
        summary=(
            "Un protocollo unico tra Comuni per aprire i centri estivi nell'estate 2020: "
            "gruppi piccoli e stabili, spazi all'aperto, ingressi scaglionati."
        ),
        description=md("""
            Nell'estate 2020 le famiglie avevano bisogno dei centri estivi e i gestori
            chiedevano regole chiare. I Comuni hanno scritto insieme un protocollo unico,
            condiviso con i gestori e con il servizio di igiene pubblica.

            - gruppi piccoli e stabili con lo stesso educatore;
            - attività all'aperto nei parchi e nei cortili scolastici;
            - ingressi scaglionati e triage all'arrivo.
        """),
        institution="Comune di Grugliasco",
        municipalities=("Grugliasco", "Collegno", "Rivoli"),
        start=date(2020, 6, 8),
        end=date(2020, 9, 11),
        resources=(
            "Tempo di lavoro degli uffici istruzione, incontri con i gestori, spazi all'aperto "
            "messi a disposizione dai Comuni."
        ),
        evidence=(
            "I centri estivi hanno aperto in tutti i Comuni coinvolti con regole uguali, e le "
            "famiglie hanno avuto un'unica fonte di informazione."
        ),
        transfer=(
            "Il metodo di scrittura condivisa tra Comuni e gestori resta utile per altre "
            "regole comuni."
        ),
        contact="Ufficio Istruzione del Comune di Grugliasco",
        status=S.ARCHIVED,
        shared=date(2020, 7, 6),
        note=PUBLISHED_NOTES[0],
        archived_on=date(2022, 3, 31),
        archive_note=(
            "Archiviata: il protocollo seguiva le indicazioni sanitarie del 2020, oggi "
            "superate. La scheda resta consultabile come esempio di metodo."
        ),
    ),
    DemoPractice(
        zone=2,
        title="Sportello unico per le imprese in forma associata",
        kind=K.PROJECT,
        themes=(ADMIN, COMMERCE),
        summary=(
            "Uno sportello unico per le attività produttive condiviso tra Comuni, con "
            "modulistica e tempi uguali per le imprese."
        ),
        description=md("""
            Bozza in preparazione. L'idea è unire le pratiche per le imprese in un solo
            ufficio associato, con un'unica modulistica online.

            Da completare: costi, convenzione, tempi di avvio.
        """),
        institution="Comune di Venaria Reale",
        municipalities=("Venaria Reale", "Druento", "San Gillio"),
        start=date(2026, 1, 12),
        end=None,
        resources="Da definire.",
        evidence="",
        transfer="",
        contact="Ufficio SUAP del Comune di Venaria Reale",
        status=S.DRAFT,
        shared=20,
    ),
    # --- Zona 3 AMT Sud ------------------------------------------------------------------------
    DemoPractice(
        zone=3,
        title="Mercati all'aperto con accessi regolati",
        kind=K.GOOD_PRACTICE,
        themes=(COMMERCE, HEALTH),
        summary=(
            "I mercati settimanali hanno riaperto con banchi distanziati, varchi di ingresso "
            "presidiati dai volontari e percorsi a senso unico."
        ),
        description=md("""
            Riaprire i mercati nel maggio 2020 significava ridare reddito agli ambulanti e un
            servizio alle famiglie, senza creare assembramenti.

            Le aree di mercato sono state ridisegnate con banchi più distanziati, due o tre
            varchi di ingresso e percorsi a senso unico. I volontari della protezione civile
            hanno presidiato i varchi nelle prime settimane.

            La nuova disposizione dei banchi è stata in parte mantenuta: più spazio tra i
            banchi, meno conflitti con il traffico.
        """),
        institution="Comune di Moncalieri",
        municipalities=("Moncalieri", "Trofarello"),
        start=date(2020, 5, 4),
        end=date(2021, 6, 30),
        resources=(
            "Planimetrie delle aree di mercato, transenne e segnaletica, volontari della "
            "protezione civile, accordo con le associazioni degli ambulanti."
        ),
        evidence=(
            "Tutti i mercati hanno riaperto entro poche settimane; la nuova disposizione è "
            "stata confermata in accordo con gli ambulanti."
        ),
        transfer="Utile a ogni Comune con mercati su aree pubbliche, di qualunque dimensione.",
        contact="Ufficio Commercio del Comune di Moncalieri",
        status=S.PUBLISHED,
        shared=date(2020, 8, 31),
        note=PUBLISHED_NOTES[0],
    ),
    DemoPractice(
        zone=3,
        title="Tavolo intercomunale per l'emergenza abitativa",
        kind=K.PROJECT,
        themes=(SOCIAL,),
        summary=(
            "I servizi sociali di più Comuni condividono le situazioni di sfratto e di "
            "morosità incolpevole e un piccolo parco di alloggi temporanei."
        ),
        description=md("""
            La crisi economica seguita alla pandemia ha fatto crescere le famiglie in
            difficoltà con l'affitto. Il tavolo riunisce ogni mese i servizi sociali, gli
            uffici casa e le associazioni degli inquilini e dei proprietari.

            - un elenco condiviso degli alloggi temporanei disponibili;
            - un fondo per la morosità incolpevole con criteri comuni;
            - un accompagnamento verso l'edilizia sociale.
        """),
        institution="Comune di Nichelino",
        municipalities=("Nichelino", "Beinasco", "La Loggia"),
        start=date(2021, 2, 1),
        end=None,
        resources=(
            "Un coordinatore tra gli uffici, alloggi messi a disposizione dai Comuni e dalle "
            "associazioni, un fondo per i contributi."
        ),
        evidence=(
            "Diverse famiglie hanno evitato lo sfratto con un accordo tra le parti; i tempi "
            "di risposta dei servizi si sono accorciati."
        ),
        transfer="Richiede servizi sociali disposti a lavorare su un ambito più ampio del Comune.",
        contact="Ufficio Politiche abitative del Comune di Nichelino",
        status=S.PUBLISHED,
        shared=date(2021, 9, 20),
        note=PUBLISHED_NOTES[2],
        recheck_by=date(2026, 6, 30),
    ),
    DemoPractice(
        zone=3,
        title="Lavoro agile strutturato per il personale comunale",
        kind=K.SOLUTION,
        themes=(ADMIN, DIGITAL),
        summary=(
            "Dal lavoro agile di emergenza a un regolamento stabile: accordi individuali, "
            "obiettivi misurabili, dotazioni e sicurezza informatica."
        ),
        description=md("""
            Nel 2020 il personale comunale è passato al lavoro da casa in pochi giorni. Tre
            Comuni hanno poi scritto insieme un regolamento per renderlo stabile e ordinato.

            Il regolamento prevede accordi individuali, giornate in presenza garantite per
            ogni ufficio, obiettivi concordati e un piano per le dotazioni informatiche e la
            sicurezza (accesso remoto protetto, formazione del personale).
        """),
        institution="Comune di Orbassano",
        municipalities=("Orbassano", "Rivalta di Torino", "Piossasco"),
        start=date(2020, 3, 12),
        end=None,
        resources=(
            "Computer portatili, accesso remoto sicuro, un regolamento condiviso, formazione "
            "per dirigenti e personale."
        ),
        evidence=(
            "Gli uffici hanno mantenuto i servizi aperti senza interruzioni e le assenze "
            "brevi sono diminuite dopo l'introduzione del regolamento."
        ),
        transfer="Il regolamento è scritto per essere adottato anche da Comuni piccoli.",
        contact="Ufficio Personale del Comune di Orbassano",
        status=S.PUBLISHED,
        shared=date(2021, 4, 12),
        note=PUBLISHED_NOTES[1],
    ),
    DemoPractice(
        zone=3,
        title="Strade scolastiche e pedibus",
        kind=K.PROJECT,
        themes=(SCHOOL, MOBILITY),
        summary=(
            "Le vie davanti alle scuole chiudono al traffico all'entrata e all'uscita; i "
            "bambini arrivano a piedi con il pedibus accompagnato dai genitori."
        ),
        description=md("""
            Gli ingressi scaglionati del 2020 avevano reso evidente quanto fossero
            affollate le vie davanti alle scuole. Il progetto chiude al traffico quei tratti
            per mezz'ora all'entrata e all'uscita.

            Le linee del pedibus partono da punti di raccolta fissi, con genitori e nonni
            volontari. Gli istituti scolastici collaborano con attività sulla mobilità a piedi.
        """),
        institution="Comune di Vinovo",
        municipalities=("Vinovo", "Candiolo"),
        start=date(2023, 9, 11),
        end=None,
        resources=(
            "Ordinanze di chiusura temporanea, segnaletica, volontari per il pedibus, "
            "una copertura assicurativa."
        ),
        evidence=(
            "Al secondo anno le linee del pedibus sono cresciute e le famiglie chiedono di "
            "estendere le chiusure ad altri plessi."
        ),
        transfer="Adatta a scuole in centri abitati con vie secondarie chiudibili.",
        contact="Ufficio Istruzione del Comune di Vinovo",
        status=S.SUBMITTED,
        shared=3,
    ),
    # --- Zona 4 AMT Nord -----------------------------------------------------------------------
    DemoPractice(
        zone=4,
        title="Hub alimentare con le associazioni del territorio",
        kind=K.GOOD_PRACTICE,
        themes=(SOCIAL, CIVIL),
        summary=(
            "Un magazzino comunale riceve le eccedenze dei supermercati e le donazioni e le "
            "distribuisce alle famiglie segnalate dai servizi sociali."
        ),
        description=md("""
            Nel 2020 le richieste di aiuto alimentare sono cresciute in poche settimane. Il
            Comune ha messo a disposizione un magazzino e ha coordinato le associazioni che
            già distribuivano pacchi alimentari.

            Oggi l'hub raccoglie eccedenze e donazioni, le smista e le consegna alle
            associazioni, che distribuiscono alle famiglie indicate dai servizi sociali.
        """),
        institution="Comune di Settimo Torinese",
        municipalities=("Settimo Torinese", "Mappano"),
        start=date(2020, 4, 6),
        end=None,
        resources=(
            "Un magazzino con celle frigorifere, un furgone, volontari delle associazioni, "
            "accordi con la grande distribuzione."
        ),
        evidence=(
            "L'hub serve ogni mese alcune centinaia di famiglie e ha ridotto lo spreco delle "
            "eccedenze dei supermercati della zona."
        ),
        transfer="Funziona meglio su scala intercomunale, con un solo magazzino.",
        contact="Ufficio Politiche sociali del Comune di Settimo Torinese",
        status=S.PUBLISHED,
        shared=date(2020, 10, 5),
        note=PUBLISHED_NOTES[2],
    ),
    DemoPractice(
        zone=4,
        title="Bus notturno per i turni dello scalo e delle aree produttive",
        kind=K.PROJECT,
        themes=(MOBILITY, COMMERCE),
        summary=(
            "Corse notturne a chiamata collegano i Comuni della zona all'aeroporto e alle "
            "aree produttive, per chi lavora su turni."
        ),
        description=md("""
            Molti lavoratori dello scalo e delle aziende vicine iniziano o finiscono il turno
            di notte, quando non passano mezzi pubblici. Le corse notturne si prenotano
            entro il pomeriggio e seguono un percorso che cambia secondo le prenotazioni.

            Il servizio è finanziato dai Comuni, dalle imprese aderenti e da un contributo
            degli utenti con abbonamento mensile.
        """),
        institution="Comune di Caselle Torinese",
        municipalities=("Caselle Torinese", "Borgaro Torinese", "Mappano"),
        start=date(2022, 4, 4),
        end=None,
        resources=(
            "Un mezzo in servizio notturno, una centrale di prenotazione, accordi con le imprese."
        ),
        evidence=(
            "Gli abbonati sono cresciuti in modo costante nei primi due anni; alcune imprese "
            "lo indicano come aiuto per trovare personale."
        ),
        transfer="Interessa ogni zona con poli produttivi attivi su turni notturni.",
        contact="Ufficio Trasporti del Comune di Caselle Torinese",
        status=S.PUBLISHED,
        shared=date(2022, 11, 14),
        note=PUBLISHED_NOTES[3],
        recheck_by=date(2027, 3, 31),
    ),
    DemoPractice(
        zone=4,
        title="Il parco fluviale come aula all'aperto",
        kind=K.GOOD_PRACTICE,
        themes=(GREEN, SCHOOL),
        summary=(
            "Le scuole usano le aree verdi lungo il Po come aule all'aperto, con percorsi "
            "didattici preparati insieme alle guardie ecologiche volontarie."
        ),
        description=md("""
            Fare lezione all'aperto era un modo per ridurre i rischi di contagio; è diventato
            un modo per conoscere il fiume e il suo ambiente.

            - percorsi didattici per età, con schede per gli insegnanti;
            - uscite accompagnate dalle guardie ecologiche volontarie;
            - piccole strutture in legno per sedersi e scrivere.
        """),
        institution="Comune di San Mauro Torinese",
        municipalities=("San Mauro Torinese",),
        start=date(2020, 9, 14),
        end=None,
        resources=(
            "Sedute in legno, schede didattiche, ore di volontariato delle guardie "
            "ecologiche, un'assicurazione per le uscite."
        ),
        evidence=(
            "Quasi tutte le classi della primaria hanno fatto almeno un'uscita all'anno; gli "
            "insegnanti chiedono nuovi percorsi."
        ),
        transfer="Adatta a ogni Comune con aree verdi o fluviali raggiungibili a piedi.",
        contact="Ufficio Ambiente del Comune di San Mauro Torinese",
        status=S.PUBLISHED,
        shared=date(2021, 5, 10),
        note=PUBLISHED_NOTES[0],
    ),
    DemoPractice(
        zone=4,
        title="Polizia locale in gestione associata",
        kind=K.PROJECT,
        themes=(ADMIN, HEALTH),
        summary=(
            "Un comando unico di polizia locale per tre Comuni, con turni che coprono anche "
            "le sere e i fine settimana."
        ),
        description=md("""
            Il progetto prevede di unire i comandi di polizia locale di tre Comuni per
            coprire più ore con lo stesso personale.

            La convenzione è in discussione nei consigli comunali.
        """),
        institution="Comune di Volpiano",
        municipalities=("Volpiano", "San Benigno Canavese", "Leini"),
        start=date(2024, 1, 8),
        end=None,
        resources="Da definire con la convenzione.",
        evidence="Non ancora disponibile.",
        transfer="",
        contact="Comando di Polizia locale del Comune di Volpiano",
        status=S.REJECTED,
        shared=date(2024, 5, 6),
        note=(
            "Non pubblicata: la scheda descrive una convenzione non ancora approvata. "
            "Riproponetela quando il comando unico sarà attivo, con i primi risultati."
        ),
    ),
    # --- Zona 5 Pinerolese ---------------------------------------------------------------------
    DemoPractice(
        zone=5,
        title="Scuole di montagna in rete per la didattica integrata",
        kind=K.PROJECT,
        themes=(SCHOOL, DIGITAL),
        summary=(
            "Le piccole scuole di valle, spesso pluriclassi, sono collegate in rete: lezioni "
            "condivise, connessione stabile e dispositivi in prestito alle famiglie."
        ),
        description=md("""
            Con la didattica a distanza le scuole di montagna hanno scoperto quanto fosse
            debole la loro connessione. Il progetto ha portato una connessione stabile nei
            plessi e ha dato dispositivi in comodato alle famiglie che non li avevano.

            Passata l'emergenza la rete è rimasta: le pluriclassi di valle fanno lezioni
            comuni a distanza su alcune materie, e gli insegnanti si formano insieme.

            Tenere aperte le scuole nei paesi piccoli è una condizione perché le famiglie
            restino in valle.
        """),
        institution="Unione Montana Valli Chisone e Germanasca",
        municipalities=("Perosa Argentina", "Pragelato", "Fenestrelle"),
        start=date(2020, 10, 1),
        end=None,
        resources=(
            "Connessione nei plessi, dispositivi in comodato, un referente tecnico condiviso, "
            "formazione per gli insegnanti."
        ),
        evidence=(
            "Nessun plesso coinvolto ha dovuto sospendere le lezioni per problemi di "
            "connessione dopo il primo anno; le famiglie valutano bene le lezioni comuni."
        ),
        transfer="Pensata per le zone montane con plessi piccoli e distanti tra loro.",
        contact="Ufficio Scuola dell'Unione Montana Valli Chisone e Germanasca",
        status=S.PUBLISHED,
        shared=date(2021, 1, 18),
        rounds=(
            "Dite quante famiglie hanno avuto un dispositivo e chi lo ha fornito; "
            "aggiungete i costi della connessione.",
        ),
        note=PUBLISHED_NOTES[1],
        recheck_by=date(2027, 1, 31),
    ),
    DemoPractice(
        zone=5,
        title="Trasporto a chiamata in Val Pellice",
        kind=K.SOLUTION,
        themes=(MOBILITY, SOCIAL),
        summary=(
            "Un servizio di trasporto su prenotazione porta dalle borgate ai servizi del "
            "fondovalle: ambulatori, mercato, stazione degli autobus."
        ),
        description=md("""
            Le borgate alte sono servite da poche corse al giorno. Per le persone anziane e
            per chi non guida anche una visita medica diventava un problema.

            Il servizio si prenota per telefono il giorno prima. Un mezzo attrezzato anche per
            le carrozzine raccoglie le persone e le porta a destinazione, con ritorno
            concordato. Le tariffe sono agevolate per chi ha più di 65 anni.
        """),
        institution="Comune di Luserna San Giovanni",
        municipalities=("Luserna San Giovanni", "Torre Pellice", "Bobbio Pellice"),
        start=date(2021, 3, 1),
        end=None,
        resources=(
            "Un mezzo attrezzato, un autista, un centralino di prenotazione; costi ripartiti "
            "tra i Comuni in base agli abitanti."
        ),
        evidence=(
            "Il servizio è usato soprattutto per visite mediche e per il mercato; nel primo "
            "anno le richieste non soddisfatte sono state poche."
        ),
        transfer=(
            "Adatta alle valli con borgate sparse; serve un accordo sui costi tra Comuni "
            "di dimensioni molto diverse."
        ),
        contact="Ufficio Servizi alla persona del Comune di Luserna San Giovanni",
        status=S.PUBLISHED,
        shared=date(2021, 7, 5),
        note=PUBLISHED_NOTES[2],
    ),
    DemoPractice(
        zone=5,
        title="Mercato contadino con prenotazione online",
        kind=K.GOOD_PRACTICE,
        themes=(COMMERCE,),
        summary=(
            "I produttori agricoli della pianura pinerolese vendono al mercato contadino e "
            "online: si ordina entro il giovedì e si ritira il sabato."
        ),
        description=md("""
            Durante le chiusure del 2020 i produttori avevano perso i loro sbocchi abituali.
            Il Comune ha creato una vetrina online per gli ordini e un punto di ritiro nel
            mercato del sabato.

            Oggi la vetrina affianca il mercato: chi non può fermarsi ordina online, chi
            passa compra al banco. Le associazioni agricole curano l'elenco dei produttori.
        """),
        institution="Comune di Pinerolo",
        municipalities=("Pinerolo", "Cavour", "Vigone"),
        start=date(2020, 4, 20),
        end=None,
        resources=(
            "Una vetrina online semplice, un'area di ritiro al mercato, la collaborazione "
            "delle associazioni agricole."
        ),
        evidence=(
            "Una parte dei produttori ha continuato a usare la vetrina anche dopo la "
            "riapertura dei mercati."
        ),
        transfer="Facile da replicare dove c'è già un mercato contadino.",
        contact="Ufficio Attività produttive del Comune di Pinerolo",
        status=S.PUBLISHED,
        shared=date(2020, 11, 9),
        note=PUBLISHED_NOTES[0],
    ),
    DemoPractice(
        zone=5,
        title="Borgate e rifugi per il turismo di prossimità",
        kind=K.PROJECT,
        themes=(CULTURE, GREEN),
        summary=(
            "Un itinerario tra borgate, rifugi e piccoli musei delle valli, pensato per chi "
            "viene in giornata dalla pianura e dalla città."
        ),
        description=md("""
            Nelle estati dopo il 2020 molte persone hanno scelto vacanze vicino a casa. Il
            progetto collega borgate, rifugi e piccoli musei con un itinerario segnalato e
            una guida stampata e online.
        """),
        institution="Comune di Prali",
        municipalities=("Prali", "Perrero", "Massello"),
        start=date(2024, 5, 1),
        end=None,
        resources="Segnaletica, una guida, accordi con i rifugi.",
        evidence="Da raccogliere.",
        transfer="",
        contact="Ufficio Turismo del Comune di Prali",
        status=S.CHANGES_REQUESTED,
        shared=26,
        note=(
            "Raccontate di più: chi gestisce l'itinerario, quanto è costato, quanti "
            "visitatori avete contato. Indicate anche i rifugi coinvolti."
        ),
    ),
    # --- Zona 6 Valli di Susa e Sangone --------------------------------------------------------
    DemoPractice(
        zone=6,
        title="Coworking in quota per chi lavora a distanza",
        kind=K.PROJECT,
        themes=(DIGITAL, CULTURE),
        summary=(
            "Spazi di lavoro condivisi nelle località turistiche, aperti tutto l'anno, per "
            "chi lavora a distanza e per chi vuole vivere in valle."
        ),
        description=md("""
            Le località turistiche di alta valle sono piene in stagione e vuote nel resto
            dell'anno. Il lavoro a distanza offre l'occasione di portare persone anche fuori
            stagione.

            Gli spazi di lavoro sono in locali comunali ristrutturati, con connessione in
            fibra e abbonamenti giornalieri, settimanali e mensili. Le strutture ricettive
            offrono pacchetti per soggiorni lunghi.
        """),
        institution="Comune di Oulx",
        municipalities=("Oulx", "Bardonecchia", "Sauze d'Oulx"),
        start=date(2021, 12, 1),
        end=None,
        resources=(
            "Locali comunali da adattare, connessione in fibra, arredi, un gestore scelto "
            "con avviso pubblico."
        ),
        evidence=(
            "Gli spazi sono usati anche nei mesi di bassa stagione; alcuni utenti sono "
            "tornati più volte nello stesso anno."
        ),
        transfer="Interessa le località turistiche con servizi e collegamenti buoni.",
        contact="Ufficio Turismo del Comune di Oulx",
        status=S.PUBLISHED,
        shared=date(2022, 6, 13),
        note=PUBLISHED_NOTES[1],
    ),
    DemoPractice(
        zone=6,
        title="La Via Francigena in valle per il turismo lento",
        kind=K.GOOD_PRACTICE,
        themes=(CULTURE,),
        summary=(
            "Segnaletica comune, tappe con accoglienza e un calendario di eventi diffusi "
            "lungo il tratto valsusino della Via Francigena."
        ),
        description=md("""
            Il cammino attraversa la valle da un capo all'altro e tocca luoghi molto
            visitati, ma per anni ogni Comune lo ha promosso per conto suo.

            - una segnaletica unica e una mappa delle tappe;
            - un elenco di strutture con accoglienza per camminatori;
            - un calendario di eventi diffusi, dalle visite guidate ai concerti.
        """),
        institution="Unione Montana Valle Susa",
        municipalities=("Susa", "Avigliana", "Sant'Ambrogio di Torino"),
        start=date(2021, 4, 1),
        end=None,
        resources=(
            "Segnaletica, una mappa stampata e online, il lavoro di coordinamento "
            "dell'ufficio turistico."
        ),
        evidence=(
            "Le strutture dell'elenco segnalano più camminatori in primavera e in autunno, "
            "fuori dai periodi di punta."
        ),
        transfer=(
            "Ogni zona attraversata da un cammino o da una ciclovia può usare lo stesso schema."
        ),
        contact="Ufficio Turismo dell'Unione Montana Valle Susa",
        status=S.PUBLISHED,
        shared=date(2021, 10, 18),
        note=PUBLISHED_NOTES[0],
        recheck_by=date(2027, 4, 30),
    ),
    DemoPractice(
        zone=6,
        title="Volontari di protezione civile per eventi sicuri",
        kind=K.GOOD_PRACTICE,
        themes=(CIVIL, HEALTH),
        summary=(
            "Un gruppo intercomunale di volontari formati presidia feste, mercati e "
            "manifestazioni, con un piano di sicurezza tipo per gli organizzatori."
        ),
        description=md("""
            Con la ripresa delle manifestazioni, le pro loco dei paesi faticavano a
            rispettare le regole di sicurezza. I Comuni della valle hanno formato un gruppo
            di volontari e scritto un piano di sicurezza tipo.

            Gli organizzatori compilano il piano con l'aiuto del gruppo e ricevono un
            presidio proporzionato all'evento.
        """),
        institution="Unione Montana Valle Sangone",
        municipalities=("Giaveno", "Coazze", "Trana"),
        start=date(2021, 6, 1),
        end=None,
        resources=(
            "Corsi di formazione per i volontari, dotazioni (radio, pettorine, transenne), "
            "un modello di piano di sicurezza."
        ),
        evidence=(
            "Gli eventi della valle si sono svolti con un presidio coordinato; le pro loco "
            "usano il modello di piano ogni anno."
        ),
        transfer=(
            "Replicabile dove ci sono gruppi comunali di protezione civile da mettere in rete."
        ),
        contact="Ufficio Protezione civile dell'Unione Montana Valle Sangone",
        status=S.PUBLISHED,
        shared=date(2022, 3, 28),
        note=PUBLISHED_NOTES[2],
    ),
    DemoPractice(
        zone=6,
        title="Scuolabus condiviso tra i Comuni di bassa valle",
        kind=K.SOLUTION,
        themes=(SCHOOL, MOBILITY),
        summary=(
            "Un solo servizio di scuolabus per più Comuni vicini, con percorsi ridisegnati "
            "sugli orari delle scuole e costi divisi."
        ),
        description=md("""
            Ogni Comune aveva il suo scuolabus, spesso mezzo vuoto. Mettendo insieme i
            servizi, i percorsi sono stati ridisegnati sugli orari reali delle scuole.

            - un unico appalto per tre Comuni;
            - percorsi rivisti ogni anno sulle iscrizioni;
            - costi ripartiti in base agli iscritti di ogni Comune.
        """),
        institution="Comune di Bussoleno",
        municipalities=("Bussoleno", "Chianocco", "San Didero"),
        start=date(2024, 9, 9),
        end=None,
        resources="Un appalto unico, una convenzione tra Comuni, un ufficio capofila.",
        evidence="Dopo il primo anno i posti liberi sui mezzi sono diminuiti.",
        transfer="Adatta a Comuni piccoli e vicini con scuole in comune.",
        contact="Ufficio Istruzione del Comune di Bussoleno",
        status=S.SUBMITTED,
        shared=9,
    ),
    # --- Zona 7 Ciriacese - Valli di Lanzo -----------------------------------------------------
    DemoPractice(
        zone=7,
        title="Farmaci e spesa nelle borgate alpine",
        kind=K.GOOD_PRACTICE,
        themes=(SOCIAL, HEALTH),
        summary=(
            "Una consegna settimanale di farmaci e spesa raggiunge le borgate più lontane, "
            "in accordo con le farmacie e i negozi di valle."
        ),
        description=md("""
            Nelle alte valli molte persone anziane vivono in borgate lontane dai negozi e
            dalle farmacie. Durante l'emergenza un gruppo di volontari ha iniziato a
            consegnare farmaci e spesa una volta alla settimana.

            Il servizio è rimasto, con un calendario fisso per ogni borgata: le farmacie
            preparano le ricette, i negozi la spesa, i volontari consegnano.
        """),
        institution="Unione Montana Valli di Lanzo, Ceronda e Casternone",
        municipalities=("Ceres", "Ala di Stura", "Usseglio"),
        start=date(2020, 3, 23),
        end=None,
        resources=(
            "Un mezzo per le consegne, volontari, un accordo con farmacie e negozi, un "
            "calendario delle borgate."
        ),
        evidence=(
            "Le borgate coinvolte ricevono la consegna ogni settimana, anche d'inverno; i "
            "negozi di valle hanno mantenuto clienti che altrimenti avrebbero perso."
        ),
        transfer="Pensata per le valli con borgate sparse e pochi negozi.",
        contact="Ufficio Servizi sociali dell'Unione Montana Valli di Lanzo, Ceronda e Casternone",
        status=S.PUBLISHED,
        shared=date(2020, 7, 27),
        note=PUBLISHED_NOTES[0],
    ),
    DemoPractice(
        zone=7,
        title="Sentieri curati con le associazioni",
        kind=K.GOOD_PRACTICE,
        themes=(GREEN, CULTURE),
        summary=(
            "Un accordo con le associazioni escursionistiche per la manutenzione dei sentieri "
            "e la segnaletica, con piccoli contributi comunali."
        ),
        description=md("""
            Con l'aumento degli escursionisti dopo il 2020, molti sentieri si sono rovinati.
            I Comuni hanno stretto un accordo con le associazioni: i volontari fanno la
            manutenzione ordinaria e segnalano i lavori più grandi.

            - un elenco dei sentieri con il responsabile di ciascuno;
            - giornate di lavoro aperte a tutti, due volte all'anno;
            - un contributo comunale per attrezzi e materiali.
        """),
        institution="Comune di Lanzo Torinese",
        municipalities=("Lanzo Torinese", "Balme", "Groscavallo"),
        start=date(2021, 5, 15),
        end=None,
        resources="Contributi per attrezzi e materiali, un'assicurazione per i volontari.",
        evidence=(
            "I sentieri dell'elenco sono segnalati e percorribili; le giornate di lavoro "
            "attirano anche persone che non erano nelle associazioni."
        ),
        transfer="Adatta a ogni zona montana o collinare con una rete di sentieri.",
        contact="Ufficio Ambiente del Comune di Lanzo Torinese",
        status=S.PUBLISHED,
        shared=date(2022, 1, 24),
        note=PUBLISHED_NOTES[3],
        recheck_by=date(2026, 3, 31),
    ),
    DemoPractice(
        zone=7,
        title="Orientamento al lavoro per i giovani",
        kind=K.PROJECT,
        themes=(COMMERCE, SCHOOL),
        summary=(
            "Incontri con le imprese, tirocini e un piccolo sportello per aiutare i giovani "
            "della zona a trovare lavoro vicino a casa."
        ),
        description=md("""
            Dopo la pandemia molti giovani avevano perso contratti stagionali o tirocini. Lo
            sportello, aperto due pomeriggi alla settimana, aiuta a scrivere il curriculum e
            a cercare opportunità.

            Gli incontri con le imprese del territorio si tengono nelle scuole superiori, e i
            tirocini sono concordati con le aziende che partecipano.
        """),
        institution="Comune di Ciriè",
        municipalities=("Ciriè", "San Maurizio Canavese", "Nole"),
        start=date(2021, 9, 1),
        end=None,
        resources=(
            "Un orientatore per due pomeriggi a settimana, una sala, la disponibilità delle "
            "imprese per incontri e tirocini."
        ),
        evidence=(
            "Ogni anno alcune decine di giovani si rivolgono allo sportello; una parte dei "
            "tirocini si è trasformata in contratto."
        ),
        transfer="Replicabile in ogni zona con un tessuto di piccole e medie imprese.",
        contact="Ufficio Politiche giovanili del Comune di Ciriè",
        status=S.PUBLISHED,
        shared=date(2025, 3, 10),
        note=PUBLISHED_NOTES[1],
    ),
    DemoPractice(
        zone=7,
        title="Wi-Fi pubblico nelle piazze delle valli",
        kind=K.PROJECT,
        themes=(DIGITAL,),
        summary="Connessione gratuita nelle piazze e nei rifugi per residenti e visitatori.",
        description=md("""
            Bozza. Vogliamo portare il Wi-Fi pubblico nelle piazze dei paesi di alta valle.

            Da completare con costi e tempi.
        """),
        institution="Comune di Viù",
        municipalities=("Viù", "Lemie", "Usseglio"),
        start=date(2026, 4, 1),
        end=None,
        resources="",
        evidence="",
        transfer="",
        contact="Ufficio Tecnico del Comune di Viù",
        status=S.DRAFT,
        shared=6,
    ),
    # --- Zona 8 Canavese occidentale -----------------------------------------------------------
    DemoPractice(
        zone=8,
        title="Ambulatorio di comunità per i piccoli Comuni",
        kind=K.PROJECT,
        themes=(HEALTH, SOCIAL),
        summary=(
            "Un ambulatorio infermieristico a rotazione nei Comuni senza medico, per "
            "prelievi, medicazioni e controlli, vicino a casa."
        ),
        description=md("""
            Nei paesi più piccoli il medico di base viene poche ore alla settimana o non c'è
            più. L'ambulatorio di comunità porta un infermiere a rotazione nei Comuni, con
            un calendario fisso.

            - prelievi e medicazioni su prenotazione;
            - controlli della pressione e della glicemia;
            - collegamento con il medico di base e con i servizi sociali.
        """),
        institution="Comune di Cuorgnè",
        municipalities=("Cuorgnè", "Valperga", "Pont Canavese"),
        start=date(2022, 2, 1),
        end=None,
        resources=(
            "Locali comunali attrezzati, un infermiere di famiglia e comunità, un accordo con "
            "l'azienda sanitaria, un servizio di prenotazione."
        ),
        evidence=(
            "Le persone seguite evitano viaggi verso l'ospedale per prestazioni semplici; la "
            "richiesta di nuovi orari è cresciuta."
        ),
        transfer="Interessa tutte le zone con molti Comuni piccoli e popolazione anziana.",
        contact="Ufficio Servizi sociali del Comune di Cuorgnè",
        status=S.PUBLISHED,
        shared=date(2022, 9, 19),
        note=PUBLISHED_NOTES[2],
        recheck_by=date(2027, 9, 30),
    ),
    DemoPractice(
        zone=8,
        title="Itinerario delle ceramiche e dei borghi",
        kind=K.GOOD_PRACTICE,
        themes=(CULTURE, COMMERCE),
        summary=(
            "Un itinerario tra laboratori di ceramica, castelli e borghi, con aperture "
            "coordinate nei fine settimana e un biglietto unico per le visite."
        ),
        description=md("""
            La tradizione della ceramica e i castelli del Canavese attirano visitatori, ma le
            aperture erano sparse e poco conosciute.

            I Comuni e i laboratori hanno concordato aperture coordinate nei fine settimana,
            una mappa comune e un biglietto unico per le visite guidate. I negozi e i
            ristoranti aderenti offrono sconti ai visitatori con il biglietto.
        """),
        institution="Comune di Castellamonte",
        municipalities=("Castellamonte", "Agliè", "San Giorgio Canavese"),
        start=date(2021, 4, 24),
        end=None,
        resources="Una mappa, un calendario comune, accordi con laboratori, negozi e ristoranti.",
        evidence=(
            "I laboratori aderenti registrano più visite nei fine settimana coordinati "
            "che negli altri."
        ),
        transfer="Ogni zona con un prodotto tipico o un patrimonio diffuso può usare lo schema.",
        contact="Ufficio Cultura e turismo del Comune di Castellamonte",
        status=S.PUBLISHED,
        shared=date(2021, 11, 8),
        note=PUBLISHED_NOTES[0],
    ),
    DemoPractice(
        zone=8,
        title="Ufficio tecnico associato tra piccoli Comuni",
        kind=K.SOLUTION,
        themes=(ADMIN,),
        summary=(
            "Un ufficio tecnico unico per più Comuni sotto i 3.000 abitanti: un tecnico "
            "per ogni materia invece di un tecnico per ogni Comune."
        ),
        description=md("""
            I piccoli Comuni non riescono ad assumere tecnici per ogni materia e i bandi
            richiedono competenze specifiche. L'ufficio associato divide il lavoro per
            materia: lavori pubblici, urbanistica, bandi.
        """),
        institution="Comune di Rivarolo Canavese",
        municipalities=("Rivarolo Canavese", "Favria", "Oglianico"),
        start=date(2023, 1, 9),
        end=None,
        resources="Una convenzione, un ufficio capofila, un software condiviso per le pratiche.",
        evidence="Da aggiungere.",
        transfer="Adatta a gruppi di Comuni piccoli e vicini.",
        contact="Ufficio Tecnico del Comune di Rivarolo Canavese",
        status=S.CHANGES_REQUESTED,
        shared=40,
        note=(
            "Buon tema per molte zone. Aggiungete almeno un risultato (tempi delle pratiche, "
            "bandi vinti) e il costo della convenzione prima della pubblicazione."
        ),
    ),
    DemoPractice(
        zone=8,
        title="Piano neve condiviso in Valle Orco",
        kind=K.SOLUTION,
        themes=(CIVIL, MOBILITY),
        summary=(
            "Un solo piano per lo sgombero neve e la viabilità invernale dei Comuni della "
            "valle, con mezzi condivisi e priorità comuni."
        ),
        description=md("""
            Ogni inverno i Comuni della valle affrontavano la neve da soli, con mezzi propri
            e priorità diverse. Il piano condiviso fissa le priorità (scuole, ambulatori,
            borgate abitate tutto l'anno) e mette in comune i mezzi.

            La centrale operativa è a turno in uno dei Comuni; i volontari della protezione
            civile aiutano nelle emergenze.
        """),
        institution="Comune di Locana",
        municipalities=("Locana", "Noasca", "Ceresole Reale"),
        start=date(2023, 11, 15),
        end=None,
        resources=(
            "Mezzi spazzaneve dei Comuni, un contratto per i mezzi privati, un piano scritto."
        ),
        evidence="Nei due inverni di prova le strade prioritarie sono state riaperte prima.",
        transfer="Interessa ogni valle alpina con Comuni piccoli vicini.",
        contact="Ufficio Protezione civile del Comune di Locana",
        status=S.SUBMITTED,
        shared=17,
    ),
    # --- Zona 9 Eporediese ---------------------------------------------------------------------
    DemoPractice(
        zone=9,
        title="Biblioteca diffusa con prestito a domicilio",
        kind=K.GOOD_PRACTICE,
        themes=(CULTURE, SOCIAL),
        summary=(
            "Le biblioteche della zona condividono il catalogo e consegnano i libri a casa di "
            "chi non può muoversi, con i volontari."
        ),
        description=md("""
            Durante le chiusure del 2020 le biblioteche hanno iniziato a consegnare i libri a
            domicilio. L'esperienza ha mostrato che molte persone anziane o con disabilità
            non frequentavano la biblioteca perché non potevano arrivarci.

            Oggi il catalogo è unico per le biblioteche della rete: si prenota online o per
            telefono e i volontari consegnano una volta alla settimana.
        """),
        institution="Comune di Ivrea",
        municipalities=("Ivrea", "Banchette", "Montalto Dora"),
        start=date(2020, 4, 14),
        end=None,
        resources=(
            "Un catalogo condiviso, volontari per le consegne, borse e una piccola assicurazione."
        ),
        evidence=(
            "I prestiti a domicilio continuano ogni settimana; molti dei lettori raggiunti "
            "non erano iscritti prima."
        ),
        transfer="Facile da adottare per ogni rete di biblioteche, anche piccole.",
        contact="Ufficio Biblioteca civica del Comune di Ivrea",
        status=S.PUBLISHED,
        shared=date(2020, 12, 14),
        rounds=("Specificate come sono coperti i volontari dall'assicurazione.",),
        note=PUBLISHED_NOTES[0],
    ),
    DemoPractice(
        zone=9,
        title="Gruppo intercomunale di protezione civile",
        kind=K.GOOD_PRACTICE,
        themes=(CIVIL,),
        summary=(
            "I volontari di più Comuni formano un unico gruppo di protezione civile, con "
            "formazione comune, mezzi condivisi e un piano intercomunale."
        ),
        description=md("""
            L'emergenza sanitaria ha mostrato che i piccoli gruppi comunali, da soli, non
            bastavano a coprire i turni. Unendosi, i volontari hanno potuto organizzare
            turni regolari e una formazione comune.

            - un piano di protezione civile intercomunale;
            - mezzi e magazzino in comune;
            - esercitazioni annuali con le scuole.
        """),
        institution="Comune di Strambino",
        municipalities=("Strambino", "Romano Canavese", "Scarmagno"),
        start=date(2020, 11, 2),
        end=None,
        resources="Una convenzione, un magazzino, mezzi e dotazioni, corsi di formazione.",
        evidence=(
            "Il gruppo copre i turni richiesti in ogni esercitazione e nelle allerte "
            "meteo; i volontari attivi sono aumentati."
        ),
        transfer="Utile a ogni zona con molti Comuni piccoli.",
        contact="Ufficio Protezione civile del Comune di Strambino",
        status=S.PUBLISHED,
        shared=date(2021, 5, 24),
        note=PUBLISHED_NOTES[2],
    ),
    DemoPractice(
        zone=9,
        title="Segreteria e protocollo digitali condivisi tra piccoli Comuni",
        kind=K.SOLUTION,
        themes=(ADMIN, DIGITAL),
        summary=(
            "Comuni con poche centinaia di abitanti condividono il segretario, il protocollo "
            "informatico e la conservazione digitale dei documenti."
        ),
        description=md("""
            I Comuni più piccoli della zona hanno pochi dipendenti e gli adempimenti digitali
            sono gli stessi di un Comune grande. Mettendo in comune la segreteria e il
            protocollo informatico, ogni ente ha accesso alle stesse competenze.

            Il personale si forma insieme e un referente segue la conservazione digitale per
            tutti i Comuni della convenzione.
        """),
        institution="Comune di Settimo Vittone",
        municipalities=("Settimo Vittone", "Carema", "Quincinetto"),
        start=date(2021, 7, 1),
        end=None,
        resources=(
            "Una convenzione di segreteria, un protocollo informatico in uso comune, "
            "formazione per il personale."
        ),
        evidence=(
            "Gli adempimenti digitali sono rispettati da tutti i Comuni della convenzione e "
            "le pratiche arretrate si sono ridotte."
        ),
        transfer="Pensata per i Comuni sotto i 1.000 abitanti.",
        contact="Ufficio Segreteria del Comune di Settimo Vittone",
        status=S.PUBLISHED,
        shared=date(2025, 10, 6),
        note=PUBLISHED_NOTES[1],
        recheck_by=date(2027, 10, 31),
    ),
    DemoPractice(
        zone=9,
        title="Buoni spesa digitali per l'emergenza alimentare",
        kind=K.SOLUTION,
        themes=(SOCIAL, DIGITAL),
        summary=(
            "I buoni spesa dell'emergenza caricati su una tessera o sul telefono invece che "
            "su carta: domande online, accredito in pochi giorni, negozi locali convenzionati."
        ),
        description=md("""
            Nel 2020 i Comuni hanno distribuito buoni spesa alle famiglie in difficoltà. Con
            i buoni cartacei servivano code, stampe e rendiconti a mano.

            La domanda si presentava online o con l'aiuto dei servizi sociali; il buono era
            caricato su una tessera o sul telefono e si spendeva nei negozi del paese
            convenzionati. I rendiconti ai negozi erano automatici.
        """),
        institution="Comune di Pavone Canavese",
        municipalities=("Pavone Canavese", "Banchette"),
        start=date(2020, 4, 6),
        end=date(2021, 12, 31),
        resources=(
            "Una piattaforma per i buoni in uso da altri Comuni, accordi con i negozi, il "
            "supporto dei servizi sociali per le domande."
        ),
        evidence=(
            "I buoni sono arrivati alle famiglie in pochi giorni dalla domanda e i negozi "
            "locali hanno ricevuto i rimborsi senza ritardi."
        ),
        transfer="Il metodo serve per ogni contributo da erogare in fretta a molte famiglie.",
        contact="Ufficio Servizi sociali del Comune di Pavone Canavese",
        status=S.ARCHIVED,
        shared=date(2020, 6, 29),
        note=PUBLISHED_NOTES[0],
        archived_on=date(2023, 1, 16),
        archive_note=(
            "Archiviata: la misura dei buoni spesa per l'emergenza è conclusa. La scheda "
            "resta consultabile per il metodo di distribuzione digitale."
        ),
    ),
    # --- Zona 10 Chivassese --------------------------------------------------------------------
    DemoPractice(
        zone=10,
        title="La stazione come nodo di interscambio",
        kind=K.PROJECT,
        themes=(MOBILITY,),
        summary=(
            "Parcheggi per bici e auto, coincidenze tra bus e treni e un punto informazioni "
            "rendono la stazione il punto d'incontro dei Comuni vicini."
        ),
        description=md("""
            Molti pendolari dei Comuni vicini arrivano in stazione in auto e trovano il
            parcheggio pieno. Il progetto ha aggiunto un parcheggio protetto per le bici,
            posti per l'interscambio e coincidenze concordate con le linee di bus.

            Un punto informazioni, aperto negli orari di punta, vende abbonamenti integrati
            e raccoglie le segnalazioni dei viaggiatori.
        """),
        institution="Comune di Chivasso",
        municipalities=("Chivasso", "Brandizzo", "Montanaro"),
        start=date(2021, 9, 13),
        end=None,
        resources=(
            "Un parcheggio protetto per le bici, segnaletica, accordi con le aziende di "
            "trasporto, personale per il punto informazioni."
        ),
        evidence=(
            "Il parcheggio per bici è pieno nei giorni feriali; i pendolari segnalano meno "
            "coincidenze perse."
        ),
        transfer="Adatta a ogni Comune con una stazione ferroviaria usata dai Comuni vicini.",
        contact="Ufficio Mobilità del Comune di Chivasso",
        status=S.PUBLISHED,
        shared=date(2026, 5, 11),
        note=PUBLISHED_NOTES[3],
    ),
    DemoPractice(
        zone=10,
        title="Degustazioni all'aperto nelle colline dell'Erbaluce",
        kind=K.GOOD_PRACTICE,
        themes=(CULTURE, COMMERCE),
        summary=(
            "Cantine e Comuni organizzano degustazioni all'aperto nei vigneti e nelle "
            "piazze, con percorsi a piedi e in bicicletta tra le cantine."
        ),
        description=md("""
            Nel 2020 le cantine non potevano ricevere visitatori al chiuso. Le degustazioni
            si sono spostate all'aperto, nei vigneti e nelle piazze, su prenotazione e con
            posti distanziati.

            Il formato è piaciuto ed è rimasto: un calendario di fine settimana con percorsi
            tra le cantine, a piedi o in bicicletta, e navette dalla stazione.
        """),
        institution="Comune di Caluso",
        municipalities=("Caluso", "Mazzè"),
        start=date(2020, 6, 20),
        end=None,
        resources=(
            "Piazze e aree pubbliche, un calendario comune, la collaborazione del consorzio "
            "dei produttori e delle pro loco."
        ),
        evidence=(
            "Le cantine aderenti hanno ritrovato i visitatori già nel 2021; una parte arriva "
            "in treno o in bicicletta."
        ),
        transfer="Ogni zona con un prodotto tipico può organizzare eventi simili all'aperto.",
        contact="Ufficio Turismo del Comune di Caluso",
        status=S.PUBLISHED,
        shared=date(2021, 2, 15),
        note=PUBLISHED_NOTES[0],
    ),
    DemoPractice(
        zone=10,
        title="Sorveglianza degli argini del Po con il volontariato",
        kind=K.GOOD_PRACTICE,
        themes=(CIVIL, GREEN),
        summary=(
            "I volontari di protezione civile controllano gli argini del Po durante le "
            "piene, con un piano di allerta comune ai Comuni rivieraschi."
        ),
        description=md("""
            Le piene del Po sono un rischio conosciuto; mancava un modo comune di
            sorvegliare gli argini. I Comuni rivieraschi hanno diviso il fiume in tratti,
            ognuno affidato a una squadra di volontari.

            - un piano di allerta con soglie e messaggi comuni;
            - squadre per tratto, con schede di controllo;
            - una chat di coordinamento con i tecnici comunali.
        """),
        institution="Comune di Verolengo",
        municipalities=("Verolengo", "Brusasco", "Cavagnolo"),
        start=date(2020, 10, 1),
        end=None,
        resources="Volontari formati, dotazioni per il controllo notturno, un piano di allerta.",
        evidence=(
            "Nelle ultime piene gli argini sono stati controllati con continuità e le "
            "segnalazioni sono arrivate ai tecnici in tempo."
        ),
        transfer="Interessa ogni zona attraversata da un fiume con argini.",
        contact="Ufficio Protezione civile del Comune di Verolengo",
        status=S.PUBLISHED,
        shared=date(2021, 10, 4),
        note=PUBLISHED_NOTES[2],
        recheck_by=date(2026, 4, 30),
    ),
    DemoPractice(
        zone=10,
        title="App unica per le segnalazioni dei cittadini",
        kind=K.SOLUTION,
        themes=(DIGITAL, ADMIN),
        summary="Un'app per segnalare buche, rifiuti abbandonati e lampioni spenti.",
        description=md("""
            Abbiamo acquistato un'app per le segnalazioni dei cittadini. L'app è disponibile
            per i telefoni più diffusi.
        """),
        institution="Comune di Gassino Torinese",
        municipalities=("Gassino Torinese", "Castiglione Torinese"),
        start=date(2024, 2, 1),
        end=None,
        resources="Il canone annuale dell'app.",
        evidence="",
        transfer="",
        contact="Ufficio Sistemi informativi del Comune di Gassino Torinese",
        status=S.REJECTED,
        shared=date(2024, 3, 18),
        note=(
            "Non pubblicata: la scheda descrive l'acquisto di un prodotto, non ancora "
            "un'esperienza. Riproponetela dopo qualche mese d'uso, dicendo come sono gestite "
            "le segnalazioni e cosa è cambiato."
        ),
    ),
    # --- Zona 11 Chierese - Carmagnolese -------------------------------------------------------
    DemoPractice(
        zone=11,
        title="Filiera corta e consegne a domicilio dei produttori agricoli",
        kind=K.GOOD_PRACTICE,
        themes=(COMMERCE, SOCIAL),
        summary=(
            "I produttori agricoli della pianura consegnano a domicilio con un servizio "
            "comune; una parte dei prodotti va alle famiglie seguite dai servizi sociali."
        ),
        description=md("""
            Nel 2020 le aziende agricole della zona avevano prodotti e nessun modo di
            venderli, mentre molte famiglie non potevano uscire. I Comuni hanno messo in
            contatto i produttori e organizzato un servizio comune di consegna.

            - un elenco di produttori con i prodotti di stagione;
            - ordini per telefono o online, consegna in giorni fissi;
            - una cassetta solidale per le famiglie segnalate dai servizi sociali.

            Il servizio è rimasto come canale di vendita per i produttori più piccoli.
        """),
        institution="Comune di Carmagnola",
        municipalities=("Carmagnola", "Poirino", "Villastellone"),
        start=date(2020, 3, 30),
        end=None,
        resources=(
            "Un elenco dei produttori, un furgone refrigerato condiviso, la collaborazione "
            "delle associazioni agricole e dei servizi sociali."
        ),
        evidence=(
            "Nel primo anno alcune decine di aziende hanno aderito; la cassetta solidale è "
            "arrivata ogni settimana alle famiglie segnalate."
        ),
        transfer="Adatta alle zone agricole vicine a centri abitati.",
        contact="Ufficio Agricoltura del Comune di Carmagnola",
        status=S.PUBLISHED,
        shared=date(2020, 8, 3),
        rounds=("Indicate come sono scelte le famiglie che ricevono la cassetta solidale.",),
        note=PUBLISHED_NOTES[1],
        recheck_by=date(2027, 8, 31),
    ),
    DemoPractice(
        zone=11,
        title="Vetrina digitale comune per i negozi di vicinato",
        kind=K.PROJECT,
        themes=(COMMERCE, DIGITAL),
        summary=(
            "Una vetrina online unica per i negozi dei centri storici, con ordini, ritiro "
            "in negozio e consegna in bicicletta."
        ),
        description=md("""
            Durante le chiusure molti negozi di vicinato non avevano un sito né una presenza
            online. La vetrina comune permette a ogni negozio di pubblicare i prodotti con
            poco lavoro e di ricevere ordini.

            Il ritiro avviene in negozio; nei centri storici un servizio di consegna in
            bicicletta porta gli ordini a casa. I Comuni hanno finanziato il primo anno e la
            formazione dei commercianti.
        """),
        institution="Comune di Chieri",
        municipalities=("Chieri", "Pino Torinese", "Pecetto Torinese"),
        start=date(2020, 11, 16),
        end=None,
        resources=(
            "Una piattaforma di vetrina online, formazione per i commercianti, un servizio "
            "di consegna in bicicletta, il finanziamento del primo anno."
        ),
        evidence=(
            "I negozi più attivi hanno continuato a ricevere ordini online; altri hanno "
            "smesso dopo le riaperture: la scheda lo dice con franchezza."
        ),
        transfer="Serve un gruppo di commercianti motivati e un'associazione che li coordini.",
        contact="Ufficio Commercio del Comune di Chieri",
        status=S.PUBLISHED,
        shared=date(2021, 3, 22),
        note=PUBLISHED_NOTES[3],
    ),
    DemoPractice(
        zone=11,
        title="Aule all'aperto e orti scolastici",
        kind=K.GOOD_PRACTICE,
        themes=(SCHOOL, GREEN),
        summary=(
            "I cortili delle scuole diventano aule all'aperto con orti, sedute e tettoie, "
            "curati da insegnanti, famiglie e associazioni."
        ),
        description=md("""
            Nel 2020 le scuole cercavano spazi per fare lezione con più distanza. I cortili,
            spesso solo asfalto, sono stati trasformati in aule all'aperto.

            - tettoie e sedute in legno;
            - orti didattici curati dalle classi;
            - associazioni e nonni volontari per le estati.
        """),
        institution="Comune di Santena",
        municipalities=("Santena", "Cambiano"),
        start=date(2020, 9, 7),
        end=None,
        resources=(
            "Tettoie e sedute in legno, attrezzi per l'orto, volontari, il contributo delle "
            "famiglie per le sementi."
        ),
        evidence=(
            "Tutte le classi della primaria usano l'aula all'aperto ogni settimana nella "
            "bella stagione."
        ),
        transfer="Adatta a ogni scuola con un cortile o un'area verde.",
        contact="Ufficio Istruzione del Comune di Santena",
        status=S.PUBLISHED,
        shared=date(2021, 4, 26),
        note=PUBLISHED_NOTES[0],
    ),
    DemoPractice(
        zone=11,
        title="Ciclovie tra le colline del Chierese",
        kind=K.PROJECT,
        themes=(MOBILITY, CULTURE),
        summary="Percorsi ciclabili segnalati tra i paesi della collina, per residenti e turisti.",
        description=md("""
            Bozza. Vogliamo collegare i paesi della collina con percorsi ciclabili su strade
            secondarie e sterrate, con segnaletica comune.
        """),
        institution="Comune di Riva presso Chieri",
        municipalities=("Riva presso Chieri", "Chieri"),
        start=date(2026, 3, 1),
        end=None,
        resources="",
        evidence="",
        transfer="",
        contact="Ufficio Tecnico del Comune di Riva presso Chieri",
        status=S.DRAFT,
        shared=4,
    ),
]


TRANSFERS: list[DemoTransfer] = [
    DemoTransfer(
        practice="Anagrafe su appuntamento online",
        zone=3,
        municipalities=("Moncalieri", "Nichelino"),
        steps=(
            DemoStep(T.INTERESTED, 20, "Vorremmo la stessa agenda per i nostri sportelli."),
            DemoStep(T.IN_CONTACT, 35, "Incontro con gli uffici demografici di Torino."),
            DemoStep(T.ADAPTING, 70, "Configurazione dell'agenda sul nostro gestionale."),
            DemoStep(T.PILOTING, 110, "Prova in uno sportello per tre mesi."),
            DemoStep(T.ADOPTED, 210, "In uso in tutti gli sportelli dei due Comuni."),
        ),
        cost=Decimal("6500.00"),
        result=(
            "Le prenotazioni sono diventate la modalità ordinaria e le attese allo sportello "
            "si sono ridotte."
        ),
    ),
    DemoTransfer(
        practice="Anagrafe su appuntamento online",
        zone=11,
        municipalities=("Chieri",),
        steps=(
            DemoStep(T.INTERESTED, 400, "Interessa per lo sportello del Comune capofila."),
            DemoStep(T.IN_CONTACT, 430),
            DemoStep(T.PILOTING, 520, "Prova con una sola agenda per carte d'identità."),
        ),
    ),
    DemoTransfer(
        practice="Scuole di montagna in rete per la didattica integrata",
        zone=7,
        municipalities=("Ceres", "Ala di Stura"),
        steps=(
            DemoStep(T.INTERESTED, 15, "Le nostre pluriclassi hanno gli stessi problemi."),
            DemoStep(T.IN_CONTACT, 30),
            DemoStep(T.ADAPTING, 60, "Accordo con l'istituto comprensivo di valle."),
            DemoStep(T.ADOPTED, 240, "Rete attiva nei plessi di valle."),
        ),
        cost=Decimal("18000.00"),
        result="Connessione stabile nei plessi e lezioni comuni tra le pluriclassi di valle.",
    ),
    DemoTransfer(
        practice="Scuole di montagna in rete per la didattica integrata",
        zone=8,
        municipalities=("Locana",),
        steps=(
            DemoStep(T.INTERESTED, 500),
            DemoStep(T.IN_CONTACT, 540, "Sopralluogo nei plessi dell'alta valle."),
        ),
    ),
    DemoTransfer(
        practice="Trasporto a chiamata in Val Pellice",
        zone=6,
        municipalities=("Giaveno", "Coazze"),
        steps=(
            DemoStep(T.INTERESTED, 60, "Le borgate della Val Sangone hanno lo stesso bisogno."),
            DemoStep(T.IN_CONTACT, 90),
            DemoStep(T.ADAPTING, 180, "Studio dei percorsi e delle tariffe."),
        ),
    ),
    DemoTransfer(
        practice="Trasporto a chiamata in Val Pellice",
        zone=9,
        municipalities=("Traversella", "Brosso"),
        steps=(
            DemoStep(T.INTERESTED, 100),
            DemoStep(T.IN_CONTACT, 130),
            DemoStep(T.DROPPED, 200),
        ),
        drop_reason=(
            "La linea extraurbana copre già le frazioni negli orari utili; per Comuni così "
            "piccoli il costo di un mezzo dedicato non era sostenibile."
        ),
    ),
    DemoTransfer(
        practice="Spesa a domicilio per anziani soli con il volontariato",
        zone=4,
        municipalities=("Leini", "Volpiano"),
        steps=(
            DemoStep(T.INTERESTED, 5, "Ci serve subito: possiamo usare la vostra procedura?"),
            DemoStep(T.ADAPTING, 12, "Procedura adattata con le nostre associazioni."),
            DemoStep(T.ADOPTED, 30, "Servizio attivo nei due Comuni."),
        ),
        cost=Decimal("1200.00"),
        result="Il servizio ha raggiunto in poche settimane le persone sole segnalate.",
    ),
    DemoTransfer(
        practice="La Via Francigena in valle per il turismo lento",
        zone=5,
        municipalities=(),
        steps=(DemoStep(T.INTERESTED, 300, "Per i sentieri valdesi, con la stessa logica."),),
    ),
    DemoTransfer(
        practice="Ambulatorio di comunità per i piccoli Comuni",
        zone=9,
        municipalities=("Settimo Vittone", "Quincinetto"),
        steps=(
            DemoStep(T.INTERESTED, 40),
            DemoStep(T.IN_CONTACT, 60),
            DemoStep(T.ADAPTING, 120, "Accordo con l'azienda sanitaria per l'infermiere."),
            DemoStep(T.PILOTING, 220, "Apertura in due Comuni, un giorno alla settimana."),
        ),
        cost=Decimal("9000.00"),
    ),
    DemoTransfer(
        practice="Filiera corta e consegne a domicilio dei produttori agricoli",
        zone=10,
        municipalities=("Caluso", "Mazzè"),
        steps=(
            DemoStep(T.INTERESTED, 25),
            DemoStep(T.IN_CONTACT, 40),
            DemoStep(T.ADOPTED, 95, "Consegne attive con i produttori della zona."),
        ),
        cost=Decimal("3000.00"),
        result="Una decina di aziende consegnano a domicilio con il servizio comune.",
    ),
    DemoTransfer(
        practice="Vetrina digitale comune per i negozi di vicinato",
        zone=2,
        municipalities=("Collegno",),
        steps=(
            DemoStep(T.INTERESTED, 30),
            DemoStep(T.IN_CONTACT, 50),
            DemoStep(T.PILOTING, 120, "Prova con i negozi di un quartiere."),
            DemoStep(T.DROPPED, 300),
        ),
        drop_reason=(
            "I commercianti hanno preferito i canali social che già usavano; la vetrina "
            "comune non ha raggiunto abbastanza adesioni."
        ),
    ),
    DemoTransfer(
        practice="Buoni spesa digitali per l'emergenza alimentare",
        zone=7,
        municipalities=("Ciriè",),
        steps=(
            DemoStep(T.INTERESTED, 10, "Abbiamo i buoni cartacei e molte code."),
            DemoStep(T.ADOPTED, 40, "Buoni caricati su tessera per la seconda tranche."),
        ),
        cost=Decimal("2500.00"),
        result="La seconda distribuzione dei buoni si è fatta senza code allo sportello.",
    ),
    DemoTransfer(
        practice="Sorveglianza degli argini del Po con il volontariato",
        zone=11,
        municipalities=("Carmagnola", "Lombriasco"),
        steps=(
            DemoStep(T.INTERESTED, 200),
            DemoStep(T.IN_CONTACT, 260, "Incontro tra i gruppi di protezione civile."),
        ),
    ),
    DemoTransfer(
        practice="Lavoro agile strutturato per il personale comunale",
        zone=8,
        municipalities=("Rivarolo Canavese", "Favria"),
        steps=(
            DemoStep(T.INTERESTED, 90),
            DemoStep(T.ADAPTING, 150, "Adattamento del regolamento ai nostri uffici."),
        ),
    ),
    DemoTransfer(
        practice="Protocollo condiviso per centri estivi in sicurezza",
        zone=3,
        municipalities=("Orbassano",),
        steps=(
            DemoStep(T.INTERESTED, 2),
            DemoStep(T.ADOPTED, 14, "Protocollo usato per i centri estivi comunali."),
        ),
        cost=Decimal("0.00"),
        result="I centri estivi hanno aperto con le stesse regole dei Comuni vicini.",
    ),
]


COMMENTS: list[DemoComment] = [
    DemoComment(
        "Anagrafe su appuntamento online",
        9,
        30,
        "Come gestite chi arriva senza prenotazione per un'urgenza? Da noi è il dubbio "
        "principale dei colleghi.",
    ),
    DemoComment(
        "Anagrafe su appuntamento online",
        3,
        240,
        "Confermo che funziona: l'abbiamo adottata e i posti per le urgenze bastano quasi sempre.",
    ),
    DemoComment(
        "Spesa a domicilio per anziani soli con il volontariato",
        4,
        15,
        "Grazie per la procedura, la stiamo usando anche noi con le nostre associazioni.",
    ),
    DemoComment(
        "Spesa a domicilio per anziani soli con il volontariato",
        7,
        20,
        "Nelle valli abbiamo fatto qualcosa di simile per i farmaci: possiamo confrontarci "
        "sui tesserini per i volontari?",
    ),
    DemoComment(
        "Scuole di montagna in rete per la didattica integrata",
        7,
        10,
        "Le nostre pluriclassi hanno lo stesso problema di connessione: chi ha fatto il "
        "sopralluogo tecnico nei plessi?",
    ),
    DemoComment(
        "Scuole di montagna in rete per la didattica integrata",
        8,
        480,
        "Ci interessa per l'alta Valle Orco. Le lezioni comuni sono in orario scolastico o "
        "al pomeriggio?",
    ),
    DemoComment(
        "Trasporto a chiamata in Val Pellice",
        6,
        50,
        "Quanto costa all'anno il servizio, diviso per abitante? Ci serve per la delibera.",
    ),
    DemoComment(
        "Trasporto a chiamata in Val Pellice",
        9,
        180,
        "Da noi un servizio così non è mai partito perché gli altri enti non hanno mai "
        "voluto metterci un euro, come al solito.",
        reported_by_zone=5,
        report_reason="Tono polemico verso altri enti, non riguarda la pratica.",
    ),
    DemoComment(
        "Ambulatorio di comunità per i piccoli Comuni",
        9,
        30,
        "Ottima esperienza. Che accordo avete fatto con l'azienda sanitaria per l'infermiere?",
    ),
    DemoComment(
        "Ambulatorio di comunità per i piccoli Comuni",
        7,
        90,
        "Scrivetemi al mio indirizzo personale, vi giro il nostro progetto e ne parliamo "
        "fuori dal portale.",
        hidden_reason=(
            "Invita a spostare il confronto su contatti personali: per i contatti usate "
            "l'ufficio indicato nella scheda."
        ),
    ),
    DemoComment(
        "Filiera corta e consegne a domicilio dei produttori agricoli",
        10,
        20,
        "Il furgone refrigerato è comunale o di un'associazione? Da noi è il punto critico.",
    ),
    DemoComment(
        "Filiera corta e consegne a domicilio dei produttori agricoli",
        5,
        60,
        "Simile al nostro mercato contadino con prenotazione: potremmo mettere in comune "
        "l'elenco dei produttori di confine.",
    ),
    DemoComment(
        "Vetrina digitale comune per i negozi di vicinato",
        2,
        310,
        "Abbiamo provato a portarla da noi: la scheda del nostro trasferimento spiega "
        "perché non ha funzionato.",
    ),
    DemoComment(
        "Il parco fluviale come aula all'aperto",
        11,
        40,
        "Molto simile ai nostri orti scolastici. Le guardie ecologiche sono di un gruppo "
        "comunale o regionale?",
    ),
    DemoComment(
        "La stazione come nodo di interscambio",
        4,
        60,
        "Il parcheggio protetto per le bici è a pagamento? Stiamo valutando lo stesso intervento.",
    ),
    DemoComment(
        "Volontari di protezione civile per eventi sicuri",
        9,
        30,
        "Potete condividere il modello di piano di sicurezza per le pro loco?",
    ),
    DemoComment(
        "Biblioteca diffusa con prestito a domicilio",
        1,
        25,
        "Bella idea: nelle biblioteche civiche potremmo abbinarla ai punti di "
        "facilitazione digitale.",
    ),
    DemoComment(
        "Sorveglianza degli argini del Po con il volontariato",
        11,
        190,
        "Anche noi abbiamo tratti di Po da controllare: ci mettiamo in contatto per il "
        "piano di allerta.",
    ),
]


# --- Seeding ------------------------------------------------------------------------------------


class DemoDataError(Exception):
    """The demo content or the demo accounts are not what the seeding expects."""


def seed_practices() -> dict[str, int]:
    """Create the demo practices, transfers and comments that are missing; return the counts
    created. Mail the services send while seeding goes nowhere (an in-memory backend); call
    this outside a transaction so the mail is dropped when the seeding commits."""
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        transaction.atomic(),
    ):
        return _Seeder().run()


def _at(day: date, minutes: int = 0) -> datetime:
    """A moment on ``day`` during office hours, never in the future."""
    moment = timezone.make_aware(datetime.combine(day, time(9, 30)) + timedelta(minutes=minutes))
    return min(moment, timezone.now())


class _Seeder:
    def __init__(self):
        self.today = timezone.localdate()
        self.zones = {zone.number: zone for zone in Zone.objects.all()}
        emails = [STAFF_EMAIL] + [spokesperson_email(number) for number in self.zones]
        users = {u.email: u for u in get_user_model().objects.filter(email__in=emails)}
        if STAFF_EMAIL not in users:
            raise DemoDataError("Create the demo accounts first (seed_demo).")
        self.staff = users[STAFF_EMAIL]
        self.spokespersons = {}
        for number in self.zones:
            if spokesperson_email(number) not in users:
                raise DemoDataError(f"No demo spokesperson for zone {number}: run seed_demo.")
            self.spokespersons[number] = users[spokesperson_email(number)]
        self.themes = {theme.slug: theme for theme in Theme.objects.all()}
        self.municipalities = {
            (m.zone.number, m.name): m
            for m in Municipality.objects.filter(zone__isnull=False).select_related("zone")
        }
        self.created = {"practices": 0, "transfers": 0, "comments": 0}

    def run(self) -> dict[str, int]:
        existing = {
            (zone_id, title.lower()): pk
            for pk, zone_id, title in Practice.objects.values_list("pk", "zone_id", "title")
        }
        practices = {}
        for spec in PRACTICES:
            zone = self._zone(spec.zone)
            pk = existing.get((zone.pk, spec.title.lower()))
            practices[spec.title] = (
                Practice.objects.get(pk=pk) if pk else self._create_practice(spec, zone)
            )
        for spec in TRANSFERS:
            self._transfer(spec, practices[spec.practice])
        for spec in COMMENTS:
            self._comment(spec, practices[spec.practice])
        for spec in PRACTICES:  # archived last: transfers and comments came while published
            practice = practices[spec.title]
            if spec.status == S.ARCHIVED and practice.status == S.PUBLISHED:
                self._move(practice, S.ARCHIVED, self.staff, spec.archive_note, spec.archived_on)
        return self.created

    # -- lookups ---------------------------------------------------------------------------------

    def _zone(self, number: int) -> Zone:
        try:
            return self.zones[number]
        except KeyError:
            raise DemoDataError(f"No zone {number}: load the territory first.") from None

    def _municipalities(self, zone: int, names) -> list[Municipality]:
        try:
            return [self.municipalities[(zone, name)] for name in names]
        except KeyError as missing:
            raise DemoDataError(f"No municipality {missing} in zone {zone}.") from None

    # -- practices -------------------------------------------------------------------------------

    def _create_practice(self, spec: DemoPractice, zone: Zone) -> Practice:
        author = self.spokespersons[spec.zone]
        shared = (
            spec.shared
            if isinstance(spec.shared, date)
            else self.today - timedelta(days=spec.shared)
        )
        practice = Practice(
            title=spec.title,
            kind=spec.kind,
            summary=spec.summary,
            description=f"{spec.description}\n\n{DEMO_NOTICE}",
            zone=zone,
            main_institution=spec.institution,
            start_date=spec.start,
            end_date=spec.end,
            resources_needed=spec.resources,
            evidence_of_success=f"{spec.evidence} {EVIDENCE_NOTICE}" if spec.evidence else "",
            potential_for_transfer=spec.transfer,
            contact_person=spec.contact,
            recheck_by=spec.recheck_by,
            created_by=author,
        )
        practice.full_clean(exclude=["search_text", "search_folded"])
        practice._history_user = author
        practice._history_date = _at(shared - timedelta(days=5))
        practice.save()
        practice.municipalities.set(self._municipalities(spec.zone, spec.municipalities))
        practice.themes.set([self.themes[slug] for slug in spec.themes])
        Practice.objects.filter(pk=practice.pk).update(
            created_at=_at(shared - timedelta(days=5)), updated_at=_at(shared - timedelta(days=5))
        )
        self.created["practices"] += 1

        if spec.status == S.DRAFT:
            return practice
        day = shared
        self._move(practice, S.SUBMITTED, author, "", day)
        for note in spec.rounds:
            day += timedelta(days=4)
            self._move(practice, S.CHANGES_REQUESTED, self.staff, note, day)
            day += timedelta(days=8)
            self._move(practice, S.SUBMITTED, author, "", day)
        final = {
            S.CHANGES_REQUESTED: S.CHANGES_REQUESTED,
            S.PUBLISHED: S.PUBLISHED,
            S.ARCHIVED: S.PUBLISHED,
            S.REJECTED: S.REJECTED,
        }.get(spec.status)
        if final:
            self._move(
                practice, final, self.staff, spec.note, min(day + timedelta(days=3), self.today)
            )
        return practice

    def _move(self, practice: Practice, to_status: str, by, note: str, day: date) -> None:
        """Apply a transition through the state machine, then date it ``day``."""
        last = practice.transitions.order_by("-at", "-pk").values_list("at", flat=True).first()
        moment = _at(day, minutes=60 if to_status == S.SUBMITTED else 150)
        if last and moment <= last:
            moment = last + timedelta(minutes=1)
        record = services.apply_transition(practice=practice, to_status=to_status, by=by, note=note)
        Transition.objects.filter(pk=record.pk).update(at=moment)
        changes = {"updated_at": moment}
        if to_status == S.PUBLISHED:
            changes["published_at"] = moment
        Practice.objects.filter(pk=practice.pk).update(**changes)
        latest = practice.history.order_by("-history_id").first()
        if latest:
            type(latest).objects.filter(pk=latest.pk).update(history_date=moment, history_user=by)
        practice.refresh_from_db()

    # -- transfers and comments ------------------------------------------------------------------

    def _published_on(self, practice: Practice) -> date:
        if practice.published_at is None:
            raise DemoDataError(f"“{practice}” was never published.")
        return timezone.localdate(practice.published_at)

    def _day(self, practice: Practice, days: int) -> date:
        return min(self._published_on(practice) + timedelta(days=days), self.today)

    def _transfer(self, spec: DemoTransfer, practice: Practice) -> None:
        zone = self._zone(spec.zone)
        if Transfer.objects.filter(practice=practice, zone=zone).exists():
            return
        if practice.status != S.PUBLISHED:
            return  # archived since: interest can no longer be declared
        by = self.spokespersons[spec.zone]
        first, *later = spec.steps
        transfer = services.declare_interest(
            practice=practice,
            zone=zone,
            by=by,
            municipalities=self._municipalities(spec.zone, spec.municipalities),
            note=first.note,
        )
        declared = self._day(practice, first.days)
        Transfer.objects.filter(pk=transfer.pk).update(created_at=_at(declared, 45))
        TransferStep.objects.filter(transfer=transfer).update(
            on=declared, recorded_at=_at(declared, 45)
        )
        for step in later:
            day = self._day(practice, step.days)
            last = step is later[-1]
            services.move_transfer(
                transfer=transfer,
                to_stage=step.stage,
                by=by,
                on=day,
                note=step.note,
                cost=spec.cost if last else None,
                result=spec.result if last else "",
                drop_reason=spec.drop_reason if step.stage == T.DROPPED else "",
            )
            TransferStep.objects.filter(transfer=transfer, stage=step.stage).update(
                recorded_at=_at(day, 45)
            )
        moments = [_at(declared, 45)] + [_at(self._day(practice, s.days), 45) for s in later]
        history = list(transfer.history.order_by("history_id").values_list("pk", flat=True))
        for pk, moment in zip(history, moments, strict=False):
            transfer.history.model.objects.filter(pk=pk).update(
                history_date=moment, history_user=by
            )
        Transfer.objects.filter(pk=transfer.pk).update(updated_at=moments[-1])
        self.created["transfers"] += 1

    def _comment(self, spec: DemoComment, practice: Practice) -> None:
        author = self.spokespersons[spec.zone]
        if Comment.objects.filter(practice=practice, author=author, body=spec.body).exists():
            return
        written = _at(self._day(practice, spec.days), 200)
        comment = Comment(practice=practice, author=author, body=spec.body, created_at=written)
        if spec.reported_by_zone:
            comment.reported_by = self.spokespersons[spec.reported_by_zone]
            comment.reported_at = min(written + timedelta(hours=20), timezone.now())
            comment.report_reason = spec.report_reason
        if spec.hidden_reason:
            comment.hidden_by = self.staff
            comment.hidden_at = min(written + timedelta(days=1), timezone.now())
            comment.hidden_reason = spec.hidden_reason
        comment.full_clean()
        comment.save()
        self.created["comments"] += 1
