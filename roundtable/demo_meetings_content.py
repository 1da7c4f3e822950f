"""What the demo meetings say (``roundtable.demo_meetings`` builds them): eight past sessions of
the Round Table, oldest first, and two to come. Fictional content on real subjects of the zones;
no real person is named (the substitutes below are made up). Days count from today (negative:
in the past), so the demo always looks current.

Attendance is one letter per zone, zone 1 first: P present, S represented by a substitute,
E excused, A absent (and had not answered the invitation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from meetings.models import ActionItem, AgendaItem, Decision, Invitation

A = ActionItem.Status
K = Decision.Kind
ANSWER = Invitation.Answer
PALAZZO_CISTERNA = "Palazzo Cisterna, via Maria Vittoria 12, Torino"
VIDEO = "https://meet.example.org/tavolo-metropolitano"
MORNING = (time(10, 0), time(12, 30))
AFTERNOON = (time(14, 30), time(17, 0))
TUESDAY, WEDNESDAY, THURSDAY = 1, 2, 3

#: Who comes for a zone when its spokesperson cannot (fictional people).
SUBSTITUTES = {
    1: "Marta Villa, delegata della zona",
    2: "Stefano Bruno, delegato della zona",
    3: "Irene Moretti, delegata della zona",
    4: "Alberto Greco, delegato della zona",
    5: "Laura Merlo, delegata della zona",
    6: "Fabio Actis, delegato della zona",
    7: "Silvia Bertola, delegata della zona",
    8: "Nicola Vietti, delegato della zona",
    9: "Anna Perotti, delegata della zona",
    10: "Gianni Roggero, delegato della zona",
    11: "Lucia Ferraris, delegata della zona",
}


@dataclass(frozen=True)
class DemoUpdate:
    days: int  # after the meeting
    zone: int  # written by this zone's demo spokesperson
    text: str
    status: str = ""  # the action's new status, if it changes


@dataclass(frozen=True)
class DemoAction:
    title: str
    zones: tuple[int, ...]
    due: int  # days after the meeting
    updates: tuple[DemoUpdate, ...] = ()
    drop_reason: str = ""
    practice: str = ""
    description: str = ""


@dataclass(frozen=True)
class DemoDecision:
    text: str
    kind: str = K.DECISION
    votes: tuple[int, int, int] | None = None  # in favour, against, abstaining; None: consensus
    actions: tuple[DemoAction, ...] = ()


@dataclass(frozen=True)
class DemoItem:
    title: str
    description: str = ""
    minutes: int = 20
    zone: int | None = None  # proposed by this zone (its spokesperson presents it)
    practice: str = ""  # title of a demo practice
    presented_by: int | None = None  # a staff item presented by this zone's spokesperson
    status: str = AgendaItem.Status.ACCEPTED
    reason: str = ""
    note: str = ""  # what the minutes say of the discussion
    decisions: tuple[DemoDecision, ...] = ()


@dataclass(frozen=True)
class DemoMeeting:
    title: str
    days: int  # from today: negative in the past (moved back to ``weekday``), else forward
    attendance: str = ""
    weekday: int = THURSDAY
    hours: tuple[time, time] = MORNING
    place: str = PALAZZO_CISTERNA
    video_url: str = VIDEO
    public: bool = True
    intro: str = ""
    items: tuple[DemoItem, ...] = ()
    next_steps: str = ""  # when the meeting set no action
    minutes_comments: tuple[tuple[int, int, str], ...] = ()  # zone, days after, text
    answers: tuple[tuple[int, str, str], ...] = ()  # zone, answer, who ({name}: the spokesperson)


PAST = [
    DemoMeeting(
        title="Avvio dei lavori e priorità delle zone",
        days=-357,
        attendance="PPPPPPPEPPP",
        intro="Prima seduta del ciclo di lavoro: la Città metropolitana presenta il metodo del "
        "Tavolo e le zone indicano le loro priorità per l'anno.",
        items=(
            DemoItem(
                title="Metodo di lavoro e calendario delle sedute",
                description="Una seduta ogni sei-otto settimane, le proposte delle zone, i "
                "verbali e il seguito delle decisioni.",
                minutes=30,
                note="Le zone condividono il metodo e chiedono di ricevere i materiali almeno "
                "una settimana prima di ogni seduta.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo adotta il metodo di lavoro proposto e il calendario delle "
                        "sedute dell'anno."
                    ),
                ),
            ),
            DemoItem(
                title="Trasporto a chiamata nelle valli",
                description="La Zona 5 presenta il servizio attivo in Val Pellice: prenotazione, "
                "costi e utenti.",
                minutes=25,
                zone=5,
                practice="Trasporto a chiamata in Val Pellice",
                note="Le zone montane sono interessate; le zone della cintura segnalano "
                "esigenze simili nelle fasce serali.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo raccomanda il trasporto a chiamata nelle aree a domanda "
                        "debole e chiede di condividere i dati di utilizzo dei servizi attivi.",
                        kind=K.RECOMMENDATION,
                        votes=(9, 0, 1),
                        actions=(
                            DemoAction(
                                "Mappare i servizi di trasporto a chiamata attivi",
                                zones=(5, 6, 7),
                                due=60,
                                practice="Trasporto a chiamata in Val Pellice",
                                updates=(
                                    DemoUpdate(
                                        20,
                                        6,
                                        "Raccolti i dati dei servizi della Val di Susa e "
                                        "della Val Sangone.",
                                        A.IN_PROGRESS,
                                    ),
                                    DemoUpdate(
                                        45,
                                        5,
                                        "Mappa completata con i servizi di sei Comuni e "
                                        "inviata al Tavolo.",
                                        A.DONE,
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            DemoItem(
                title="Facilitazione digitale per i cittadini",
                description="L'esperienza dei punti di facilitazione nelle biblioteche civiche.",
                presented_by=1,
                practice="Punti di facilitazione digitale nelle biblioteche civiche",
                note="Diverse zone hanno punti di facilitazione aperti con fondi diversi: "
                "manca un quadro comune.",
                decisions=(
                    DemoDecision(
                        "Le zone raccolgono i dati sui punti di facilitazione digitale attivi "
                        "per costruire una mappa comune.",
                        actions=(
                            DemoAction(
                                "Raccogliere i dati sui punti di facilitazione digitale",
                                zones=(1, 9),
                                due=45,
                                updates=(
                                    DemoUpdate(
                                        30,
                                        1,
                                        "Dati di Torino raccolti: 14 punti attivi nelle "
                                        "biblioteche.",
                                        A.IN_PROGRESS,
                                    ),
                                    DemoUpdate(
                                        70,
                                        9,
                                        "Completati i dati dell'Eporediese: la mappa comune è "
                                        "pronta, con qualche settimana di ritardo.",
                                        A.DONE,
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            DemoItem(
                title="Le priorità della Zona 10: interscambio nelle stazioni",
                minutes=15,
                zone=10,
                note="La Zona 10 illustra le sue priorità sulla mobilità.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo prende atto delle priorità della Zona 10 e le riprenderà "
                        "nella seduta dedicata alla mobilità.",
                        kind=K.INFORMATION,
                    ),
                ),
            ),
        ),
    ),
    DemoMeeting(
        title="Scuole e trasporto scolastico",
        days=-308,
        attendance="PPSPPPPPAPP",
        weekday=TUESDAY,
        hours=AFTERNOON,
        place="",
        intro="Seduta in videoconferenza dedicata alla scuola, all'inizio dell'anno scolastico.",
        items=(
            DemoItem(
                title="Trasporto scolastico nei Comuni montani",
                description="Orari delle corse, costi per i Comuni piccoli, accordi tra Comuni "
                "vicini.",
                minutes=30,
                zone=6,
                note="I Comuni piccoli faticano a coprire i costi degli scuolabus; gli orari "
                "diversi degli istituti rendono difficile condividere i mezzi.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo raccomanda ai Comuni vicini di coordinare gli orari degli "
                        "scuolabus e di valutare servizi condivisi.",
                        kind=K.RECOMMENDATION,
                        actions=(
                            DemoAction(
                                "Proposta di calendario condiviso degli orari scolastici",
                                zones=(6, 8),
                                due=50,
                                updates=(
                                    DemoUpdate(
                                        25,
                                        6,
                                        "Incontrati tre istituti comprensivi: gli orari "
                                        "dell'anno sono già fissati.",
                                    ),
                                    DemoUpdate(
                                        40,
                                        8,
                                        "Gli istituti non possono cambiare gli orari a metà "
                                        "anno: proposta sospesa.",
                                        A.DROPPED,
                                    ),
                                ),
                                drop_reason="Gli istituti hanno già adottato gli orari "
                                "dell'anno scolastico: la proposta sarà ripresentata in "
                                "primavera per l'anno successivo.",
                            ),
                        ),
                    ),
                ),
            ),
            DemoItem(
                title="Aule all'aperto e orti scolastici",
                zone=11,
                practice="Aule all'aperto e orti scolastici",
                note="La Zona 11 presenta la pratica; più zone chiedono i materiali per le "
                "proprie scuole.",
                decisions=(
                    DemoDecision(
                        "Le zone diffondono la scheda della pratica alle scuole del proprio "
                        "territorio.",
                        votes=(8, 1, 1),
                        actions=(
                            DemoAction(
                                "Diffondere la scheda delle aule all'aperto alle scuole",
                                zones=(11, 3),
                                due=30,
                                practice="Aule all'aperto e orti scolastici",
                                updates=(
                                    DemoUpdate(
                                        12,
                                        11,
                                        "Scheda inviata ai dirigenti scolastici della zona.",
                                        A.IN_PROGRESS,
                                    ),
                                    DemoUpdate(
                                        26,
                                        3,
                                        "Scheda diffusa anche nella Zona 3: due scuole hanno "
                                        "chiesto un incontro.",
                                        A.DONE,
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            DemoItem(
                title="Bando regionale per l'edilizia scolastica",
                minutes=15,
                note="La Città metropolitana illustra le scadenze del bando.",
                decisions=(
                    DemoDecision(
                        "La Città metropolitana offre supporto tecnico ai Comuni che partecipano "
                        "al bando.",
                        kind=K.INFORMATION,
                    ),
                ),
            ),
            DemoItem(
                title="Contributi per la polizia locale in forma associata",
                zone=4,
                status=AgendaItem.Status.DECLINED,
                reason="Il riparto dei contributi non è materia del Tavolo: la zona può "
                "presentare la richiesta alla Conferenza metropolitana.",
            ),
        ),
    ),
    DemoMeeting(
        title="Acqua e protezione civile",
        days=-259,
        attendance="PPPPPPPPPEP",
        intro="Seduta dedicata all'estate appena trascorsa: siccità, approvvigionamento idrico "
        "e volontariato di protezione civile.",
        items=(
            DemoItem(
                title="Crisi idrica nei Comuni di montagna",
                description="Autobotti, ordinanze e fonti di approvvigionamento durante l'estate.",
                minutes=30,
                zone=7,
                note="Le Valli di Lanzo hanno usato autobotti per sei settimane; altre zone "
                "montane hanno avuto problemi simili.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo costituisce un gruppo di lavoro sull'approvvigionamento "
                        "idrico di emergenza, coordinato dalla Zona 7.",
                        votes=(8, 0, 2),
                        actions=(
                            DemoAction(
                                "Censimento delle fonti di approvvigionamento di emergenza",
                                zones=(7, 8, 9),
                                due=90,
                                updates=(
                                    DemoUpdate(
                                        30,
                                        7,
                                        "Censite le fonti di dodici Comuni delle Valli di Lanzo.",
                                        A.IN_PROGRESS,
                                    ),
                                    DemoUpdate(
                                        75, 8, "Completato il censimento del Canavese occidentale."
                                    ),
                                    DemoUpdate(
                                        120,
                                        9,
                                        "Censimento chiuso anche per l'Eporediese; il documento "
                                        "comune è stato inviato al gestore del servizio idrico.",
                                        A.DONE,
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            DemoItem(
                title="Volontari di protezione civile per gli eventi",
                zone=6,
                practice="Volontari di protezione civile per eventi sicuri",
                note="La Zona 6 presenta le convenzioni con le associazioni di volontariato.",
                decisions=(
                    DemoDecision(
                        "Le zone valutano convenzioni con le associazioni di volontariato sul "
                        "modello presentato e organizzano un'esercitazione congiunta.",
                        kind=K.RECOMMENDATION,
                        actions=(
                            DemoAction(
                                "Esercitazione congiunta di protezione civile",
                                zones=(6, 9),
                                due=80,
                                updates=(
                                    DemoUpdate(
                                        50,
                                        9,
                                        "Esercitazione fissata con i gruppi comunali e le "
                                        "associazioni.",
                                        A.IN_PROGRESS,
                                    ),
                                    DemoUpdate(
                                        72,
                                        6,
                                        "Esercitazione svolta con sessanta volontari di due zone.",
                                        A.DONE,
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            DemoItem(
                title="Il gruppo intercomunale di protezione civile",
                minutes=15,
                zone=9,
                practice="Gruppo intercomunale di protezione civile",
                note="La Zona 9 presenta l'organizzazione del gruppo intercomunale.",
                decisions=(
                    DemoDecision(
                        "I materiali del gruppo intercomunale sono messi a disposizione delle "
                        "zone sul portale.",
                        kind=K.INFORMATION,
                    ),
                ),
            ),
            DemoItem(
                title="Piano neve condiviso tra Comuni",
                zone=8,
                status=AgendaItem.Status.DEFERRED,
                reason="Rinviato alla seduta successiva per mancanza di tempo.",
            ),
        ),
    ),
    DemoMeeting(
        title="Turismo di prossimità e aree interne",
        days=-210,
        attendance="PAPAEPPPAEA",
        weekday=WEDNESDAY,
        hours=AFTERNOON,
        place="Sala consiliare del Comune di Susa",
        intro="Seduta ospitata dalla Zona 6. Molte zone sono impegnate con le emergenze "
        "meteo della settimana.",
        items=(
            DemoItem(
                title="La Via Francigena e il turismo lento",
                minutes=30,
                zone=6,
                practice="La Via Francigena in valle per il turismo lento",
                note="La Zona 6 presenta il percorso e i servizi per i camminatori.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo prende atto della presentazione; le raccomandazioni sul "
                        "turismo lento sono rinviate alla seduta successiva.",
                        kind=K.INFORMATION,
                    ),
                ),
            ),
            DemoItem(
                title="Piano neve condiviso tra Comuni",
                zone=8,
                note="La Zona 8 illustra la bozza del piano neve.",
                decisions=(
                    DemoDecision(
                        "Le zone montane inviano le loro osservazioni sulla bozza del piano "
                        "neve alla Zona 8.",
                        kind=K.INFORMATION,
                    ),
                ),
            ),
            DemoItem(
                title="Itinerari tra ceramiche e borghi",
                minutes=15,
                zone=8,
                practice="Itinerario delle ceramiche e dei borghi",
                note="Breve presentazione dell'itinerario e dei primi risultati.",
                decisions=(
                    DemoDecision(
                        "La scheda dell'itinerario è pubblicata nel catalogo delle pratiche.",
                        kind=K.INFORMATION,
                    ),
                ),
            ),
        ),
        next_steps="Le raccomandazioni sul turismo lento e l'approvazione del verbale della "
        "seduta precedente passano alla prossima seduta.",
    ),
    DemoMeeting(
        title="Rifiuti, ambiente e turismo",
        days=-161,
        attendance="PPPPPSPPPPP",
        intro="Seduta con tutte le zone presenti.",
        items=(
            DemoItem(
                title="Raccolta dei rifiuti ingombranti nelle borgate",
                minutes=30,
                zone=7,
                note="Nelle borgate la raccolta degli ingombranti passa due volte l'anno; "
                "crescono gli abbandoni lungo le strade.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo approva la proposta di un protocollo con i consorzi di "
                        "bacino per la raccolta su prenotazione degli ingombranti nelle borgate.",
                        votes=(7, 2, 2),
                        actions=(
                            DemoAction(
                                "Proposta di accordo con i consorzi di bacino",
                                zones=(7, 8),
                                due=75,
                                updates=(
                                    DemoUpdate(
                                        40,
                                        7,
                                        "Primo incontro con i consorzi: disponibilità a un "
                                        "servizio su prenotazione.",
                                        A.IN_PROGRESS,
                                    ),
                                    DemoUpdate(
                                        110,
                                        8,
                                        "La bozza di accordo è ancora all'esame degli uffici "
                                        "legali dei consorzi.",
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            DemoItem(
                title="Il parco fluviale come aula all'aperto",
                zone=4,
                practice="Il parco fluviale come aula all'aperto",
                note="La Zona 4 presenta le attività con le scuole lungo il parco fluviale.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo raccomanda alle zone con parchi fluviali di proporre il "
                        "modello alle scuole.",
                        kind=K.RECOMMENDATION,
                    ),
                ),
            ),
            DemoItem(
                title="Turismo lento: le raccomandazioni rinviate",
                note="Si riprende il tema della seduta precedente, ora con il numero legale.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo raccomanda di inserire i cammini delle valli nella "
                        "promozione turistica metropolitana.",
                        kind=K.RECOMMENDATION,
                        votes=(10, 0, 1),
                        actions=(
                            DemoAction(
                                "Schede dei cammini per la promozione turistica",
                                zones=(5, 6, 8),
                                due=60,
                                practice="La Via Francigena in valle per il turismo lento",
                                updates=(
                                    DemoUpdate(
                                        30,
                                        6,
                                        "Pronte le schede della Via Francigena.",
                                        A.IN_PROGRESS,
                                    ),
                                    DemoUpdate(
                                        55,
                                        5,
                                        "Consegnate le schede del Pinerolese: la promozione "
                                        "le pubblica in primavera.",
                                        A.DONE,
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ),
    DemoMeeting(
        title="Servizi sociali e fragilità",
        days=-112,
        attendance="PPPPAPPSPPP",
        weekday=TUESDAY,
        place="",
        public=False,
        intro="Seduta riservata in videoconferenza: si parla di situazioni di fragilità.",
        items=(
            DemoItem(
                title="Emergenza abitativa: un tavolo intercomunale",
                minutes=30,
                zone=3,
                practice="Tavolo intercomunale per l'emergenza abitativa",
                note="Le zone della cintura vedono crescere gli sfratti; i dati raccolti dai "
                "Comuni non sono confrontabili.",
                decisions=(
                    DemoDecision(
                        "Le zone adottano una scheda comune per rilevare il disagio abitativo.",
                        actions=(
                            DemoAction(
                                "Scheda comune di rilevazione del disagio abitativo",
                                zones=(2, 3, 4),
                                due=60,
                                updates=(
                                    DemoUpdate(
                                        35,
                                        3,
                                        "Bozza della scheda condivisa con i servizi sociali "
                                        "dei consorzi.",
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            DemoItem(
                title="Spesa a domicilio per anziani soli",
                zone=2,
                practice="Spesa a domicilio per anziani soli con il volontariato",
                note="La Zona 2 presenta il servizio con le associazioni di volontariato.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo raccomanda una convenzione tipo tra Comuni e associazioni "
                        "per la consegna a domicilio.",
                        kind=K.RECOMMENDATION,
                        votes=(9, 0, 1),
                        actions=(
                            DemoAction(
                                "Convenzione tipo per la consegna a domicilio",
                                zones=(2,),
                                due=45,
                                updates=(
                                    DemoUpdate(
                                        30,
                                        2,
                                        "Testo della convenzione in discussione con le "
                                        "associazioni.",
                                        A.IN_PROGRESS,
                                    ),
                                    DemoUpdate(
                                        62,
                                        2,
                                        "Convenzione tipo approvata e pubblicata sul portale.",
                                        A.DONE,
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            DemoItem(
                title="Ambulatori di comunità nei piccoli Comuni",
                minutes=20,
                zone=8,
                practice="Ambulatorio di comunità per i piccoli Comuni",
                note="La Zona 8 racconta l'apertura dell'ambulatorio e la collaborazione con "
                "l'azienda sanitaria.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo prende atto dell'esperienza e la segnala all'azienda "
                        "sanitaria come esempio.",
                        kind=K.INFORMATION,
                    ),
                ),
            ),
        ),
    ),
    DemoMeeting(
        title="Servizi digitali e lavoro agile",
        days=-63,
        attendance="PPPPPPEPPPP",
        intro="Seduta dedicata alla pubblica amministrazione digitale.",
        items=(
            DemoItem(
                title="Lavoro agile per il personale comunale",
                minutes=25,
                zone=3,
                practice="Lavoro agile strutturato per il personale comunale",
                note="I Comuni piccoli chiedono regole semplici e strumenti condivisi.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo propone un questionario comune al personale dei Comuni sul "
                        "lavoro agile.",
                        votes=(9, 1, 0),
                        actions=(
                            DemoAction(
                                "Questionario al personale sul lavoro agile",
                                zones=(3, 10),
                                due=30,
                                updates=(
                                    DemoUpdate(
                                        10,
                                        3,
                                        "Questionario pronto e inviato ai Comuni della zona.",
                                        A.IN_PROGRESS,
                                    ),
                                    DemoUpdate(
                                        28,
                                        10,
                                        "Raccolte 420 risposte nelle due zone: sintesi inviata "
                                        "al Tavolo.",
                                        A.DONE,
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            DemoItem(
                title="Segreteria e protocollo digitali condivisi",
                zone=9,
                practice="Segreteria e protocollo digitali condivisi tra piccoli Comuni",
                note="La Zona 9 presenta la piattaforma condivisa tra piccoli Comuni.",
                decisions=(
                    DemoDecision(
                        "Le zone costruiscono un catalogo delle piattaforme digitali in riuso "
                        "tra Comuni.",
                        actions=(
                            DemoAction(
                                "Catalogo delle piattaforme in riuso",
                                zones=(9, 1),
                                due=90,
                                updates=(
                                    DemoUpdate(
                                        25,
                                        9,
                                        "Raccolte le schede di otto piattaforme.",
                                        A.IN_PROGRESS,
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            DemoItem(
                title="Una vetrina digitale per i negozi di vicinato",
                minutes=15,
                zone=11,
                practice="Vetrina digitale comune per i negozi di vicinato",
                note="La Zona 11 presenta la vetrina digitale comune.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo prende atto del progetto; le zone interessate contattano la "
                        "Zona 11.",
                        kind=K.INFORMATION,
                    ),
                ),
            ),
        ),
    ),
    DemoMeeting(
        title="Mobilità metropolitana e bilancio del primo anno",
        days=-19,
        attendance="PPPPPPPPSPE",
        intro="Ultima seduta del primo anno di lavoro.",
        items=(
            DemoItem(
                title="Bus notturno per i turni di lavoro",
                minutes=25,
                zone=4,
                practice="Bus notturno per i turni dello scalo e delle aree produttive",
                note="Le zone con aree produttive chiedono servizi notturni per i turni.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo chiede alle zone interessate di rilevare la domanda di "
                        "trasporto notturno, per una proposta unitaria all'Agenzia della "
                        "mobilità.",
                        votes=(8, 0, 2),
                        actions=(
                            DemoAction(
                                "Rilevazione della domanda di trasporto notturno",
                                zones=(4, 10),
                                due=40,
                            ),
                        ),
                    ),
                ),
            ),
            DemoItem(
                title="La stazione come nodo di interscambio",
                zone=10,
                practice="La stazione come nodo di interscambio",
                note="La Zona 10 riprende le priorità presentate nella prima seduta.",
                decisions=(
                    DemoDecision(
                        "Il Tavolo raccomanda di coordinare gli orari dei bus con quelli dei "
                        "treni nelle stazioni di interscambio.",
                        kind=K.RECOMMENDATION,
                    ),
                ),
            ),
            DemoItem(
                title="Bilancio del primo anno e programma del secondo",
                minutes=30,
                note="La Città metropolitana presenta il bilancio delle decisioni e delle "
                "azioni dell'anno.",
                decisions=(
                    DemoDecision(
                        "Le zone inviano entro un mese le priorità per il programma del "
                        "secondo anno.",
                        actions=(
                            DemoAction(
                                "Priorità delle zone per il programma del secondo anno",
                                zones=(1, 5, 11),
                                due=30,
                                updates=(
                                    DemoUpdate(
                                        10,
                                        5,
                                        "Priorità del Pinerolese discusse nell'assemblea dei "
                                        "sindaci.",
                                        A.IN_PROGRESS,
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            DemoItem(
                title="Navetta a chiamata per le aree produttive",
                minutes=15,
                zone=2,
                practice="Navetta a chiamata per le aree produttive",
                note="Breve presentazione della Zona 2.",
                decisions=(
                    DemoDecision(
                        "La Zona 2 mette a disposizione i dati del servizio per la "
                        "rilevazione sul trasporto notturno.",
                        kind=K.INFORMATION,
                    ),
                ),
            ),
        ),
        minutes_comments=(
            (4, 12, "Per la Zona 4 era presente anche il responsabile dell'ufficio mobilità."),
            (
                10,
                14,
                "Al punto 2 chiediamo di citare anche le corse del sabato, discusse in seduta.",
            ),
        ),
    ),
]

UPCOMING = [
    DemoMeeting(
        title="Programma del secondo anno",
        days=14,
        items=(
            DemoItem(
                title="Approvazione del verbale della seduta n. {last}",
                description="Il verbale è stato inviato alle zone, che possono commentarlo.",
                minutes=10,
            ),
            DemoItem(
                title="Programma di lavoro del secondo anno",
                description="Le priorità inviate dalle zone e il calendario delle sedute.",
                minutes=40,
            ),
            DemoItem(
                title="Mercato contadino con prenotazione online",
                description="La Zona 5 presenta la pratica e i risultati della prima stagione.",
                minutes=20,
                presented_by=5,
                practice="Mercato contadino con prenotazione online",
            ),
            DemoItem(
                title="Biblioteca diffusa: prestito a domicilio nelle zone montane",
                description="La Zona 9 propone di estendere il servizio con le altre zone montane.",
                minutes=20,
                zone=9,
                practice="Biblioteca diffusa con prestito a domicilio",
            ),
        ),
        answers=(
            (1, ANSWER.ATTENDING, "{name}"),
            (3, ANSWER.ATTENDING, "{name} e un funzionario dell'ufficio mobilità"),
            (5, ANSWER.SUBSTITUTE, SUBSTITUTES[5]),
            (8, ANSWER.NOT_ATTENDING, ""),
            (10, ANSWER.ATTENDING, "{name}"),
            (11, ANSWER.ATTENDING, "{name}"),
        ),
    ),
    DemoMeeting(
        title="Protezione civile e piano neve",
        days=42,
        weekday=TUESDAY,
        hours=AFTERNOON,
        place="Sala consiliare del Comune di Ivrea",
        items=(
            DemoItem(
                title="Piano neve: coordinamento tra le zone montane",
                description="Mezzi, turni e comunicazione ai cittadini per l'inverno.",
                minutes=30,
            ),
            DemoItem(
                title="Calendario delle esercitazioni di protezione civile",
                minutes=20,
            ),
        ),
    ),
]
