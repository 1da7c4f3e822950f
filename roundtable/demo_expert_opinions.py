"""Demo expert opinions and "difficulties encountered": ``seed_demo`` calls
``seed_expert_opinions()`` after the demo practices.

- Every demo practice past the draft stage gets a "difficulties encountered" text if it has none
  (a draft is still being written). Fictional, like the rest of the demo content.
- A few published demo practices get an expert opinion from the demo expert (the experts'
  group), one of them a second from the demo staff user, dated some weeks after publication.
  Each opinion says it is demo content.

Idempotent: a difficulties text is written only where there is none, an opinion is keyed by
(practice, author); a second run creates and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from practices.models import ExpertOpinion, Practice

from .demo_practices import DemoDataError

EXPERT_EMAIL = "esperta@example.org"
STAFF_EMAIL = "staff@example.org"
OPINION_NOTICE = "(Parere di esempio della dimostrazione.)"

# By demo practice title (roundtable.demo_practices.PRACTICES), the drafts left out.
DIFFICULTIES: dict[str, str] = {
    "Anagrafe su appuntamento online": (
        "All'inizio molte persone anziane non riuscivano a prenotare online: è servito "
        "rafforzare il numero telefonico e riservare ogni giorno posti per le urgenze."
    ),
    "Corsie ciclabili di emergenza sugli assi di ingresso": (
        "La segnaletica provvisoria si consumava in fretta e alcuni tratti sono stati "
        "contestati dai commercianti per la perdita di parcheggi: due sono stati ridisegnati."
    ),
    "Punti di facilitazione digitale nelle biblioteche civiche": (
        "Trovare volontari disponibili al mattino, quando le richieste sono di più; i "
        "cambiamenti frequenti delle procedure online hanno chiesto formazione continua."
    ),
    "Coworking civici nei quartieri": (
        "I locali disponibili avevano impianti vecchi e la connessione da rifare; l'avviso per "
        "la gestione è andato deserto la prima volta."
    ),
    "Spesa a domicilio per anziani soli con il volontariato": (
        "Nelle prime settimane le richieste superavano i volontari; coordinare le associazioni "
        "senza sovrapposizioni ha richiesto un elenco unico aggiornato ogni giorno."
    ),
    "Navetta a chiamata per le aree produttive": (
        "Far coincidere le corse con i cambi turno di aziende diverse; alcune imprese hanno "
        "tardato a firmare l'accordo sulla quota dei costi."
    ),
    "Protocollo condiviso per centri estivi in sicurezza": (
        "Le regole nazionali cambiavano mentre il protocollo era in scrittura; i gestori "
        "piccoli faticavano a garantire gruppi stabili con il personale disponibile."
    ),
    "Mercati all'aperto con accessi regolati": (
        "Nelle giornate di pioggia i varchi si congestionavano; alcuni ambulanti non "
        "accettavano la nuova disposizione dei banchi, discussa poi con le associazioni."
    ),
    "Tavolo intercomunale per l'emergenza abitativa": (
        "Gli alloggi temporanei erano pochi rispetto ai casi; mettere d'accordo regolamenti "
        "comunali diversi sulle priorità ha richiesto molti incontri."
    ),
    "Lavoro agile strutturato per il personale comunale": (
        "Misurare i risultati senza ridurli al tempo passato al computer; alcuni uffici "
        "temevano un calo del servizio allo sportello, poi smentito dai dati."
    ),
    "Strade scolastiche e pedibus": (
        "Le proteste dei residenti per gli accessi ai passi carrai e la difficoltà di trovare "
        "genitori accompagnatori per tutte le linee."
    ),
    "Hub alimentare con le associazioni del territorio": (
        "La catena del freddo per i prodotti freschi e la rendicontazione delle donazioni; "
        "i ritiri dai supermercati andavano programmati con molto anticipo."
    ),
    "Bus notturno per i turni dello scalo e delle aree produttive": (
        "Poche prenotazioni nei primi mesi, finché il servizio non è stato presentato nelle "
        "aziende; le corse a vuoto pesavano sui costi."
    ),
    "Il parco fluviale come aula all'aperto": (
        "Il maltempo e le piene del fiume hanno costretto a rinviare molte uscite; servivano "
        "assicurazioni e permessi per ogni classe."
    ),
    "Polizia locale in gestione associata": (
        "I Comuni non hanno trovato un accordo sulla sede del comando e sulla ripartizione "
        "delle spese."
    ),
    "Scuole di montagna in rete per la didattica integrata": (
        "La connessione instabile in alcuni plessi di valle e la formazione degli insegnanti, "
        "che cambiavano spesso per i trasferimenti."
    ),
    "Trasporto a chiamata in Val Pellice": (
        "Dividere i costi tra Comuni molto diversi per abitanti e distanze; le prenotazioni "
        "si concentravano nei giorni di mercato e di visite mediche."
    ),
    "Mercato contadino con prenotazione online": (
        "Molti produttori non avevano mai venduto online: la vetrina è stata semplificata e "
        "un volontario aiutava a caricare i prodotti."
    ),
    "Borgate e rifugi per il turismo di prossimità": (
        "Gli orari dei rifugi e dei piccoli musei non coincidevano; mancava un trasporto "
        "pubblico per chi arriva senza auto."
    ),
    "Coworking in quota per chi lavora a distanza": (
        "Trovare un gestore per i mesi di bassa stagione; la fibra è arrivata più tardi del "
        "previsto in una delle località."
    ),
    "La Via Francigena in valle per il turismo lento": (
        "Mettere d'accordo i Comuni sulla segnaletica e tenere aperte le strutture di "
        "accoglienza anche fuori stagione."
    ),
    "Volontari di protezione civile per eventi sicuri": (
        "Le richieste degli organizzatori arrivavano spesso a ridosso dell'evento; i volontari "
        "formati non bastavano nei fine settimana affollati."
    ),
    "Scuolabus condiviso tra i Comuni di bassa valle": (
        "Rifare i percorsi scontentava alcune famiglie, che perdevano la fermata sotto casa; "
        "l'appalto unico ha richiesto tempi lunghi."
    ),
    "Farmaci e spesa nelle borgate alpine": (
        "D'inverno alcune borgate restano irraggiungibili per giorni; la privacy sui farmaci "
        "ha chiesto un accordo scritto con le farmacie."
    ),
    "Sentieri curati con le associazioni": (
        "L'assicurazione dei volontari e la responsabilità sui tratti di proprietà privata; "
        "i contributi arrivavano a lavori già fatti."
    ),
    "Orientamento al lavoro per i giovani": (
        "Raggiungere i giovani che non studiano e non lavorano; poche imprese potevano "
        "offrire tirocini retribuiti."
    ),
    "Ambulatorio di comunità per i piccoli Comuni": (
        "Trovare un infermiere disponibile a spostarsi ogni giorno; alcuni locali comunali "
        "non erano accessibili e sono stati adattati."
    ),
    "Itinerario delle ceramiche e dei borghi": (
        "Coordinare le aperture di laboratori piccoli, spesso a conduzione familiare; il "
        "biglietto unico richiedeva un accordo sugli incassi."
    ),
    "Ufficio tecnico associato tra piccoli Comuni": (
        "I Comuni temevano di perdere il tecnico di riferimento in municipio; il software "
        "comune ha richiesto di riordinare le pratiche arretrate."
    ),
    "Piano neve condiviso in Valle Orco": (
        "Stabilire le priorità delle strade tra Comuni diversi e gestire i contratti con i "
        "mezzi privati in anni con poca neve."
    ),
    "Biblioteca diffusa con prestito a domicilio": (
        "Unire cataloghi con regole di prestito diverse; le consegne dipendevano dalla "
        "disponibilità dei volontari."
    ),
    "Gruppo intercomunale di protezione civile": (
        "Fondere gruppi con abitudini e dotazioni diverse; il magazzino comune è stato "
        "trovato solo dopo un anno."
    ),
    "Segreteria e protocollo digitali condivisi tra piccoli Comuni": (
        "La digitalizzazione degli archivi cartacei e la formazione del personale meno "
        "abituato agli strumenti informatici."
    ),
    "Buoni spesa digitali per l'emergenza alimentare": (
        "Alcuni negozi non avevano il lettore per la tessera; chi non aveva uno smartphone ha "
        "avuto bisogno dello sportello."
    ),
    "La stazione come nodo di interscambio": (
        "Coordinare gli orari di aziende di trasporto diverse; il parcheggio per le bici è "
        "stato oggetto di furti finché non è stato protetto."
    ),
    "Degustazioni all'aperto nelle colline dell'Erbaluce": (
        "Il meteo e le autorizzazioni per gli eventi nei vigneti; serviva un servizio navetta "
        "per chi non voleva guidare."
    ),
    "Sorveglianza degli argini del Po con il volontariato": (
        "I turni notturni durante le piene lunghe e la comunicazione tra Comuni rivieraschi "
        "con sistemi di allerta diversi."
    ),
    "App unica per le segnalazioni dei cittadini": (
        "Il canone annuale e la mancanza di un ufficio che rispondesse alle segnalazioni nei "
        "Comuni più piccoli."
    ),
    "Filiera corta e consegne a domicilio dei produttori agricoli": (
        "Il furgone refrigerato condiviso era il punto critico; organizzare i giri di "
        "consegna tra cascine lontane."
    ),
    "Vetrina digitale comune per i negozi di vicinato": (
        "Pochi negozi aggiornavano i prodotti in vetrina; finita l'emergenza gli ordini online "
        "sono calati molto."
    ),
    "Aule all'aperto e orti scolastici": (
        "La cura degli orti durante l'estate, a scuole chiuse; alcune tettoie hanno chiesto "
        "permessi edilizi."
    ),
}


@dataclass(frozen=True)
class DemoOpinion:
    practice: str  # title
    author: str  # e-mail of a demo account
    days: int  # after the practice was published
    assessment: str
    strengths: str
    conditions: str


OPINIONS: list[DemoOpinion] = [
    DemoOpinion(
        "Trasporto a chiamata in Val Pellice",
        EXPERT_EMAIL,
        45,
        "Un servizio semplice che risponde a un bisogno preciso delle borgate: raggiungere i "
        "servizi del fondovalle senza auto. L'evidenza raccolta è ancora qualitativa, ma "
        "coerente: le richieste si concentrano sulle visite mediche e sul mercato.\n\n"
        "Sarebbe utile misurare nel tempo le corse e i costi per passeggero.",
        "Costi contenuti e ripartiti in modo trasparente; prenotazione per telefono, adatta a "
        "chi non usa internet; mezzo accessibile alle carrozzine.",
        "Borgate sparse e poco servite dal trasporto di linea; un accordo tra Comuni sui costi; "
        "un centralino con orari stabili.",
    ),
    DemoOpinion(
        "Trasporto a chiamata in Val Pellice",
        STAFF_EMAIL,
        120,
        "Dal punto di vista della Città metropolitana, la pratica è un buon riferimento per le "
        "zone montane che stanno rivedendo il trasporto pubblico locale.",
        "Altre zone di montagna hanno già chiesto informazioni per riprenderla.",
        "Verificare prima la compatibilità con i contratti di servizio del trasporto di linea.",
    ),
    DemoOpinion(
        "Ambulatorio di comunità per i piccoli Comuni",
        EXPERT_EMAIL,
        60,
        "Porta vicino a casa prestazioni semplici (prelievi, medicazioni, controlli) dove il "
        "medico non c'è più. Il modello a rotazione è sostenibile solo con un accordo stabile "
        "con l'azienda sanitaria.",
        "Riduce gli spostamenti delle persone anziane; usa locali comunali già esistenti.",
        "Un infermiere di famiglia e comunità disponibile; locali accessibili; un accordo "
        "scritto con l'azienda sanitaria.",
    ),
    DemoOpinion(
        "Anagrafe su appuntamento online",
        EXPERT_EMAIL,
        90,
        "Una misura nata nell'emergenza diventata organizzazione ordinaria: è il caso più "
        "chiaro di passaggio dalla fase 2 alla normalità.",
        "Pianificazione del personale sulle prenotazioni; canale telefonico per chi non usa "
        "internet; posti riservati alle urgenze.",
        "Un'agenda di prenotazione in riuso e l'integrazione con il gestionale anagrafico.",
    ),
    DemoOpinion(
        "Segreteria e protocollo digitali condivisi tra piccoli Comuni",
        EXPERT_EMAIL,
        75,
        "Risponde a un problema strutturale dei Comuni più piccoli: funzioni obbligatorie "
        "senza personale sufficiente. La convenzione è il vero strumento, più del software.",
        "Economie di scala reali; conservazione digitale a norma anche per enti molto piccoli.",
        "Una convenzione di segreteria già attiva o da stipulare; formazione del personale.",
    ),
    DemoOpinion(
        "Hub alimentare con le associazioni del territorio",
        EXPERT_EMAIL,
        50,
        "Collega eccedenze e bisogni con una regia pubblica leggera; la collaborazione con i "
        "servizi sociali evita sovrapposizioni con altri aiuti.",
        "Rete di associazioni ampia; dati sulle famiglie raggiunte raccolti con regolarità.",
        "Un magazzino con celle frigorifere e accordi stabili con la grande distribuzione.",
    ),
]


def seed_expert_opinions() -> dict[str, int]:
    """Write the missing difficulties texts and expert opinions; return the counts added."""
    with transaction.atomic():
        return {"difficulties": _difficulties(), "opinions": _opinions()}


def _difficulties() -> int:
    practices = list(
        Practice.objects.filter(title__in=DIFFICULTIES, difficulties="").exclude(
            status=Practice.Status.DRAFT
        )
    )
    for practice in practices:
        practice.difficulties = DIFFICULTIES[practice.title]
        practice.refresh_search_text(save=False)
    # A demo text added to the record: no new version in the practices' history.
    Practice.objects.bulk_update(practices, ["difficulties", "search_text", "search_folded"])
    return len(practices)


def _opinions() -> int:
    users = {
        user.email: user
        for user in get_user_model().objects.filter(email__in=[EXPERT_EMAIL, STAFF_EMAIL])
    }
    if EXPERT_EMAIL not in users or STAFF_EMAIL not in users:
        raise DemoDataError("Create the demo accounts first (seed_demo).")
    practices = {
        p.title: p
        for p in Practice.objects.published().filter(title__in={o.practice for o in OPINIONS})
    }
    existing = set(
        ExpertOpinion.objects.filter(practice__in=practices.values()).values_list(
            "practice_id", "author_id"
        )
    )
    today = timezone.localdate()
    added = 0
    for spec in OPINIONS:
        practice, author = practices.get(spec.practice), users[spec.author]
        if practice is None or practice.published_at is None:
            continue  # not published (any more): no opinion to give
        if (practice.pk, author.pk) in existing:
            continue
        day = min(timezone.localdate(practice.published_at) + timedelta(days=spec.days), today)
        moment = min(timezone.make_aware(datetime.combine(day, time(11, 0))), timezone.now())
        opinion = ExpertOpinion(
            practice=practice,
            author=author,
            assessment=f"{spec.assessment}\n\n{OPINION_NOTICE}",
            strengths=spec.strengths,
            conditions_for_transfer=spec.conditions,
            given_on=day,
            created_at=moment,
        )
        opinion.full_clean()
        opinion._history_user = author
        opinion._history_date = moment
        opinion.save()
        ExpertOpinion.objects.filter(pk=opinion.pk).update(updated_at=moment)
        added += 1
    return added
