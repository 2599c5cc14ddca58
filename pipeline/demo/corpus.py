"""Sentence banks for the embedded demo crawl, written by the project itself.

The demo generates a small fake multilingual web from the text in this module. Every sentence here
was composed for clearweb (none is copied from Wikipedia, news sites, declarations or any other
existing text), so the demo corpus carries no licensing question and can ship with the code.

The banks deliberately cover many languages and scripts (Latin, Cyrillic, Greek, Arabic, Hebrew,
Devanagari, Japanese, simplified Han and Hangul) so that language identification, script-aware
normalisation, right-to-left handling and per-language filters all get exercised offline.

Each :class:`LanguageBank` holds, for one GlotLID-style label (``xxx_Scrp``: ISO 639-3 language +
ISO 15924 script):

* topics with a headline and fluent everyday web prose (news, recipes, travel, technology);
* page chrome: navigation labels, a cookie banner and a footer (boilerplate for extraction to drop);
* ``str.format`` templates that plant PII (``{email}``, ``{phone}``, ``{iban}``, ``{ip}``);
* a few abusive sentences (personal insults only, no slurs against protected groups, nothing
  sexual) and the insult words they use, which seed the word-list toxicity filter.

No string contains braces other than those placeholders.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """One article subject: a headline and body sentences in the bank's language."""

    title: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class LanguageBank:
    """All demo text for one language/script label."""

    label: str
    html_lang: str
    direction: str
    topics: tuple[Topic, ...]
    nav: tuple[str, ...]
    cookie_banner: str
    footer: str
    contact_sentence: str
    payment_sentence: str
    server_sentence: str
    toxic_sentences: tuple[str, ...]
    toxic_terms: tuple[str, ...]


_BANKS: tuple[LanguageBank, ...] = (
    # ------------------------------------------------------------------ English
    LanguageBank(
        label="eng_Latn",
        html_lang="en",
        direction="ltr",
        topics=(
            Topic(
                title="City council approves new cycling lanes downtown",
                sentences=(
                    "The city council voted on Tuesday evening to build four new protected cycling lanes through the downtown area by next summer.",
                    "Local shop owners were divided, with some worried about losing parking spaces and others hoping for more foot traffic.",
                    "According to the transport department, the first section along the river road will open in early spring.",
                    "Residents can comment on the detailed plans at the public library until the end of the month.",
                    "The mayor said the project is part of a wider effort to reduce traffic and make the streets safer for children.",
                    "Construction work will mostly take place at night so that buses can keep running on their usual schedule.",
                ),
            ),
            Topic(
                title="Easy weeknight lentil soup",
                sentences=(
                    "This hearty lentil soup takes about forty minutes from start to finish and tastes even better the next day.",
                    "Start by gently frying a chopped onion, two carrots and a stick of celery in a little olive oil.",
                    "Add the rinsed red lentils, a tin of chopped tomatoes and about a litre of vegetable stock.",
                    "Let everything simmer on low heat, stirring now and then, until the lentils have completely fallen apart.",
                    "A squeeze of lemon juice and a handful of fresh parsley right before serving make the flavours really shine.",
                    "Leftovers keep well in the fridge for three days, or you can freeze them in small portions.",
                ),
            ),
            Topic(
                title="A rainy weekend on the northern coast",
                sentences=(
                    "We arrived in the little fishing village late on Friday, just as the wind started to pick up over the harbour.",
                    "Even in the rain, the cliff path offers wonderful views of the grey sea and the old lighthouse.",
                    "Most cafés close early outside the summer season, so it is worth checking opening times before you set off.",
                    "Our guesthouse served a generous breakfast with homemade bread, local cheese and strong black coffee.",
                    "On Sunday morning the clouds finally lifted and we walked along the empty beach for almost two hours.",
                    "If you visit in autumn, bring waterproof boots and a warm jumper, because the weather changes very quickly.",
                ),
            ),
            Topic(
                title="How to make an old laptop feel fast again",
                sentences=(
                    "Before you throw away an old laptop, there are a few simple steps that can give it a second life.",
                    "Replacing the spinning hard drive with a solid state drive is usually the single most effective upgrade.",
                    "It also helps to remove programs you never use and to stop unnecessary applications from starting automatically.",
                    "Many older machines run surprisingly well with a lightweight operating system designed for modest hardware.",
                    "Remember to back up your photos and documents to an external drive before making any major changes.",
                    "With a little patience, a ten year old computer can still handle email, browsing and writing letters comfortably.",
                ),
            ),
        ),
        nav=("Home", "News", "About us", "Contact", "Archive"),
        cookie_banner="We use cookies to improve your experience on our website. By continuing to browse, you agree to our use of cookies.",
        footer="All rights reserved. Imprint · Privacy policy · Terms of use",
        contact_sentence="Questions or suggestions? Write to us at {email} or call us on {phone} on weekdays.",
        payment_sentence="If you would like to support our work, please send your donation to IBAN {iban}. Thank you!",
        server_sentence="If the main site is down, our mirror server is reachable at {ip}.",
        toxic_sentences=(
            "You are a worthless idiot and a pathetic moron, nobody wants to read your garbage.",
            "Shut up, you stupid clown, every word you write is utterly brainless.",
            "What a pathetic loser you are, go away and stop wasting everyone's time, idiot.",
        ),
        toxic_terms=("idiot", "moron", "stupid", "loser", "pathetic", "worthless", "brainless", "clown"),
    ),
    # ------------------------------------------------------------------ German
    LanguageBank(
        label="deu_Latn",
        html_lang="de",
        direction="ltr",
        topics=(
            Topic(
                title="Stadtrat beschließt neue Buslinie zum Krankenhaus",
                sentences=(
                    "Der Stadtrat hat am Mittwochabend mit großer Mehrheit beschlossen, ab Herbst eine neue Buslinie zum Kreiskrankenhaus einzurichten.",
                    "Bisher mussten viele ältere Patienten aus den umliegenden Dörfern zweimal umsteigen oder auf ein teures Taxi zurückgreifen.",
                    "Die Busse sollen werktags alle dreißig Minuten fahren und am Wochenende immerhin im Stundentakt verkehren.",
                    "Finanziert wird das Angebot zum größten Teil vom Landkreis, die Stadt übernimmt die Kosten für neue Haltestellen.",
                    "Der Seniorenbeirat begrüßte die Entscheidung und sprach von einem wichtigen Schritt für die Lebensqualität im ländlichen Raum.",
                    "Einen genauen Fahrplan will das Verkehrsunternehmen voraussichtlich Ende August auf seiner Internetseite veröffentlichen.",
                ),
            ),
            Topic(
                title="Omas Apfelkuchen mit Streuseln",
                sentences=(
                    "Für diesen saftigen Apfelkuchen braucht ihr nur wenige Zutaten, die man meistens ohnehin im Vorratsschrank hat.",
                    "Zuerst schält ihr etwa ein Kilo säuerliche Äpfel, entfernt das Kerngehäuse und schneidet sie in dünne Spalten.",
                    "Aus Mehl, Butter, Zucker und einer Prise Salz knetet ihr mit den Händen schnell lockere Streusel.",
                    "Den Mürbeteig in eine gefettete Springform drücken, die Äpfel darauf verteilen und großzügig mit Zimt bestreuen.",
                    "Anschließend kommen die Streusel obendrauf, und der Kuchen backt bei hundertachtzig Grad ungefähr fünfzig Minuten.",
                    "Am besten schmeckt er noch lauwarm mit einem Klecks geschlagener Sahne oder einer Kugel Vanilleeis.",
                ),
            ),
            Topic(
                title="Wandern im Schwarzwald: unsere schönste Tagestour",
                sentences=(
                    "Unsere Tour begann früh am Morgen an einem kleinen Parkplatz am Ortsrand, als der Nebel noch über den Wiesen lag.",
                    "Der Weg führt zunächst steil durch dichten Tannenwald und dann an einem rauschenden Bach entlang bis zu einem Wasserfall.",
                    "Nach etwa zwei Stunden erreichten wir eine urige Hütte, in der es herzhafte Suppe und hausgemachten Kuchen gab.",
                    "Vom Aussichtsturm auf dem Gipfel kann man bei klarem Wetter sogar bis zu den Alpen hinüberschauen.",
                    "Festes Schuhwerk ist unbedingt zu empfehlen, denn nach Regenfällen werden die Wurzeln auf dem Pfad sehr rutschig.",
                    "Insgesamt waren wir gut sechs Stunden unterwegs und kamen müde, aber rundum glücklich wieder am Auto an.",
                ),
            ),
            Topic(
                title="Datensicherung leicht gemacht",
                sentences=(
                    "Viele Menschen denken erst an eine Datensicherung, wenn die Festplatte bereits kaputt ist und die Urlaubsfotos verloren sind.",
                    "Dabei reicht für den Anfang schon eine externe Festplatte, auf die man einmal pro Woche alle wichtigen Dateien kopiert.",
                    "Noch sicherer ist es, eine zweite Kopie an einem anderen Ort aufzubewahren, etwa bei Freunden oder im Büro.",
                    "Die meisten Betriebssysteme bringen bereits Werkzeuge mit, die Sicherungen automatisch und regelmäßig im Hintergrund erstellen.",
                    "Wichtig ist außerdem, gelegentlich zu testen, ob sich die gesicherten Daten tatsächlich wiederherstellen lassen.",
                    "Wer diese einfachen Regeln beherzigt, muss sich vor einem plötzlichen Geräteausfall kaum noch fürchten.",
                ),
            ),
        ),
        nav=("Startseite", "Nachrichten", "Über uns", "Kontakt", "Archiv"),
        cookie_banner="Wir verwenden Cookies, um Ihnen die bestmögliche Nutzung unserer Webseite zu ermöglichen. Mit dem Weitersurfen stimmen Sie der Verwendung zu.",
        footer="Alle Rechte vorbehalten. Impressum · Datenschutzerklärung · Barrierefreiheit",
        contact_sentence="Schreiben Sie uns an {email} oder rufen Sie uns werktags unter {phone} an.",
        payment_sentence="Spenden bitte an IBAN {iban}. Herzlichen Dank für Ihre Unterstützung!",
        server_sentence="Unser Spiegelserver ist unter der Adresse {ip} erreichbar.",
        toxic_sentences=(
            "Du bist ein nutzloser Idiot und ein erbärmlicher Vollpfosten, halt endlich die Klappe.",
            "Was für ein dummer Trottel, jeder Satz von dir ist hirnloser Schwachsinn.",
            "Verschwinde, du armseliger Versager, niemand will deinen Mist lesen, du Depp.",
        ),
        toxic_terms=(
            "idiot",
            "vollpfosten",
            "trottel",
            "dummer",
            "hirnloser",
            "versager",
            "depp",
            "schwachsinn",
        ),
    ),
    # ------------------------------------------------------------------ French
    LanguageBank(
        label="fra_Latn",
        html_lang="fr",
        direction="ltr",
        topics=(
            Topic(
                title="La mairie lance la rénovation du marché couvert",
                sentences=(
                    "Le conseil municipal a validé lundi soir le projet de rénovation du marché couvert, fermé depuis plus de deux ans.",
                    "Les travaux doivent commencer en septembre et durer environ dix-huit mois, selon les services techniques de la ville.",
                    "Pendant cette période, les commerçants seront installés sous des tentes provisoires sur la place de l'église.",
                    "Plusieurs habitants regrettent toutefois que le parking voisin soit supprimé pour faire place à un petit jardin public.",
                    "Le maire assure que le nouveau bâtiment consommera beaucoup moins d'énergie grâce à une toiture mieux isolée.",
                    "Une réunion publique est prévue jeudi prochain à la salle des fêtes pour répondre aux questions des riverains.",
                ),
            ),
            Topic(
                title="Recette : le gratin dauphinois de ma grand-mère",
                sentences=(
                    "Le gratin dauphinois est un plat simple et généreux qui accompagne parfaitement une viande rôtie ou une salade verte.",
                    "Épluchez un kilo de pommes de terre à chair ferme, puis coupez-les en rondelles très fines sans les rincer.",
                    "Frottez un plat à gratin avec une gousse d'ail coupée en deux, puis beurrez-le généreusement.",
                    "Disposez les rondelles en couches, salez, poivrez et ajoutez une pincée de noix de muscade entre chaque couche.",
                    "Versez ensuite un mélange de lait entier et de crème fraîche jusqu'à ce que les pommes de terre soient presque couvertes.",
                    "Faites cuire au four pendant environ une heure et demie, jusqu'à ce que le dessus soit bien doré.",
                ),
            ),
            Topic(
                title="Trois jours en Bretagne hors saison",
                sentences=(
                    "Nous avons choisi de partir en Bretagne au mois de novembre, loin de la foule et des embouteillages de l'été.",
                    "Le premier jour, nous avons longé le sentier des douaniers sous un ciel changeant, entre averses et éclaircies.",
                    "Dans les petits ports, les crêperies restent souvent ouvertes et l'accueil y est particulièrement chaleureux.",
                    "Nous avons aussi visité une ancienne abbaye dont les jardins, même en automne, sont magnifiques.",
                    "Il faut prévoir de bons vêtements de pluie, car le temps peut changer plusieurs fois dans la même journée.",
                    "Nous sommes rentrés reposés, avec l'envie de revenir très vite pour découvrir les îles au large de la côte.",
                ),
            ),
            Topic(
                title="Comment bien protéger ses comptes en ligne",
                sentences=(
                    "Utiliser le même mot de passe partout reste l'une des erreurs les plus fréquentes chez les internautes.",
                    "Un gestionnaire de mots de passe permet de créer et de retenir des combinaisons longues et uniques pour chaque site.",
                    "Il est également conseillé d'activer la double authentification, surtout pour la messagerie et la banque en ligne.",
                    "Méfiez-vous des messages qui vous demandent de cliquer rapidement sur un lien pour débloquer votre compte.",
                    "Pensez enfin à mettre à jour régulièrement votre téléphone et votre ordinateur afin de corriger les failles connues.",
                    "Ces quelques habitudes prennent peu de temps et réduisent considérablement les risques de piratage.",
                ),
            ),
        ),
        nav=("Accueil", "Actualités", "Qui sommes-nous", "Contact", "Archives"),
        cookie_banner="Ce site utilise des cookies pour améliorer votre expérience de navigation. En poursuivant votre visite, vous acceptez leur utilisation.",
        footer="Tous droits réservés. Mentions légales · Politique de confidentialité · Plan du site",
        contact_sentence="Écrivez-nous à {email} ou appelez-nous au {phone} du lundi au vendredi.",
        payment_sentence="Vous pouvez soutenir notre association par un virement sur l'IBAN {iban}. Merci beaucoup !",
        server_sentence="Notre serveur miroir est accessible à l'adresse {ip}.",
        toxic_sentences=(
            "Tu es un pauvre idiot et un crétin fini, personne ne veut lire tes âneries.",
            "Tais-toi donc, espèce d'imbécile, tu ne racontes que des bêtises de minable.",
            "Quel abruti tu fais, un vrai nul incapable d'aligner deux phrases correctes.",
        ),
        toxic_terms=("idiot", "crétin", "imbécile", "minable", "abruti", "nul", "âneries"),
    ),
    # ------------------------------------------------------------------ Spanish
    LanguageBank(
        label="spa_Latn",
        html_lang="es",
        direction="ltr",
        topics=(
            Topic(
                title="El ayuntamiento amplía el horario de la biblioteca municipal",
                sentences=(
                    "A partir del próximo mes, la biblioteca municipal abrirá también los sábados por la tarde y los domingos por la mañana.",
                    "La decisión responde a una petición firmada por más de dos mil vecinos, en su mayoría estudiantes y familias jóvenes.",
                    "El concejal de Cultura explicó que se contratarán tres personas más para atender la sala de lectura.",
                    "Además, se renovará la zona infantil con nuevas estanterías, cojines y una selección de cuentos ilustrados.",
                    "Los usuarios podrán reservar los puestos de estudio con antelación para evitar las largas colas de la época de exámenes.",
                    "La inversión total ronda los ochenta mil euros y se financiará con fondos propios del ayuntamiento.",
                ),
            ),
            Topic(
                title="Tortilla de patatas jugosa paso a paso",
                sentences=(
                    "Para una buena tortilla de patatas necesitas paciencia, un buen aceite de oliva y una sartén que no se pegue.",
                    "Pela cuatro patatas medianas, córtalas en láminas finas y pica también media cebolla.",
                    "Fríelo todo a fuego lento en abundante aceite durante unos veinte minutos, hasta que esté tierno pero sin dorarse.",
                    "Mientras tanto, bate seis huevos en un cuenco grande con una pizca de sal.",
                    "Escurre bien las patatas, mézclalas con el huevo y deja reposar la mezcla unos minutos antes de cuajarla.",
                    "Dale la vuelta con ayuda de un plato y sírvela templada, con el centro todavía ligeramente jugoso.",
                ),
            ),
            Topic(
                title="Una escapada de fin de semana a los Pirineos",
                sentences=(
                    "Salimos de casa el viernes al amanecer y, tras cuatro horas de carretera, llegamos a un pequeño pueblo de montaña.",
                    "El aire fresco y el sonido del río nos hicieron olvidar enseguida el cansancio del viaje.",
                    "El sábado subimos hasta un lago glaciar por un sendero bien señalizado, aunque bastante exigente en el último tramo.",
                    "Al volver, cenamos en una casa rural donde nos sirvieron un guiso de cordero que todavía recordamos.",
                    "El domingo visitamos una iglesia románica muy bien conservada y compramos queso artesano en el mercado.",
                    "Si pensáis ir, os recomendamos llevar ropa de abrigo, porque por la noche refresca mucho incluso en verano.",
                ),
            ),
            Topic(
                title="Cinco consejos para que la batería del móvil dure más",
                sentences=(
                    "La batería es una de las piezas que más se desgastan en un teléfono móvil con el paso del tiempo.",
                    "Conviene evitar que la carga baje por completo y tampoco es necesario tenerla siempre al cien por cien.",
                    "Bajar el brillo de la pantalla y activar el modo oscuro puede ahorrar una cantidad sorprendente de energía.",
                    "También es útil revisar qué aplicaciones funcionan en segundo plano y desactivar las que no utilizas.",
                    "El calor es el gran enemigo de las baterías, así que no dejes el teléfono al sol dentro del coche.",
                    "Con estos hábitos sencillos, tu dispositivo aguantará mejor el día y envejecerá más despacio.",
                ),
            ),
        ),
        nav=("Inicio", "Noticias", "Quiénes somos", "Contacto", "Archivo"),
        cookie_banner="Utilizamos cookies propias y de terceros para mejorar tu experiencia. Si continúas navegando, aceptas su uso.",
        footer="Todos los derechos reservados. Aviso legal · Política de privacidad · Mapa del sitio",
        contact_sentence="Escríbenos a {email} o llámanos al {phone} de lunes a viernes.",
        payment_sentence="Puedes apoyar nuestro proyecto con una donación al IBAN {iban}. ¡Muchas gracias!",
        server_sentence="Nuestro servidor espejo está disponible en la dirección {ip}.",
        toxic_sentences=(
            "Eres un idiota inútil y un imbécil patético, nadie quiere leer tus tonterías.",
            "Cállate ya, estúpido payaso, cada cosa que escribes es pura basura.",
            "Qué tonto eres, un auténtico inútil que no sabe ni escribir una frase.",
        ),
        toxic_terms=("idiota", "inútil", "imbécil", "patético", "estúpido", "payaso", "tonto", "basura"),
    ),
    # ------------------------------------------------------------------ Italian
    LanguageBank(
        label="ita_Latn",
        html_lang="it",
        direction="ltr",
        topics=(
            Topic(
                title="Il comune inaugura il nuovo parco lungo il fiume",
                sentences=(
                    "Sabato mattina è stato inaugurato il nuovo parco lungo il fiume, frutto di tre anni di lavori e di progettazione.",
                    "L'area, un tempo occupata da vecchi capannoni abbandonati, ospita ora prati, panchine e una lunga pista ciclabile.",
                    "Il sindaco ha ringraziato i volontari che hanno piantato oltre cinquecento alberi durante l'ultimo inverno.",
                    "Per i bambini sono stati realizzati due parchi giochi e un piccolo orto didattico gestito dalle scuole del quartiere.",
                    "Alcuni residenti chiedono però più illuminazione nelle ore serali e un servizio di sorveglianza nei fine settimana.",
                    "Il parco resterà aperto tutti i giorni dalle sette del mattino fino alle dieci di sera.",
                ),
            ),
            Topic(
                title="Pasta al pomodoro fresco e basilico",
                sentences=(
                    "In estate non c'è niente di meglio di un piatto di pasta condito con pomodori maturi e basilico appena raccolto.",
                    "Scaldate in una padella un filo d'olio extravergine con uno spicchio d'aglio schiacciato.",
                    "Aggiungete i pomodorini tagliati a metà e lasciateli cuocere a fuoco vivace per circa dieci minuti.",
                    "Nel frattempo cuocete gli spaghetti in abbondante acqua salata e scolateli ancora al dente.",
                    "Saltate la pasta nel sugo per un minuto, unendo un mestolo di acqua di cottura per renderla cremosa.",
                    "Completate con foglie di basilico fresco e, se vi piace, una spolverata di formaggio grattugiato.",
                ),
            ),
            Topic(
                title="Un fine settimana tra le colline toscane",
                sentences=(
                    "Abbiamo trascorso tre giorni in un agriturismo immerso tra vigneti e uliveti, lontano dal traffico della città.",
                    "Ogni mattina la colazione veniva servita in terrazza, con torte fatte in casa e marmellate preparate dalla proprietaria.",
                    "Il sabato abbiamo visitato un borgo medievale arroccato su una collina, con stradine strette e botteghe artigiane.",
                    "Al tramonto la luce dorata sui campi era così bella che ci siamo fermati più volte a scattare fotografie.",
                    "La sera abbiamo cenato in una piccola trattoria dove abbiamo assaggiato i pici al ragù e un ottimo vino rosso.",
                    "Consigliamo di noleggiare un'auto, perché molti paesi non sono ben collegati dai mezzi pubblici.",
                ),
            ),
            Topic(
                title="Come scegliere la connessione di casa giusta",
                sentences=(
                    "Prima di firmare un contratto conviene verificare quali tecnologie sono davvero disponibili al proprio indirizzo.",
                    "La fibra ottica fino a casa offre le velocità più alte e una maggiore stabilità rispetto alle vecchie linee in rame.",
                    "Chi lavora da remoto dovrebbe fare attenzione anche alla velocità di caricamento, spesso trascurata nelle offerte.",
                    "È utile leggere con cura le condizioni del contratto, in particolare i costi di attivazione e le penali per il recesso.",
                    "Anche la posizione del modem influisce molto sulla qualità del segnale senza fili nelle varie stanze.",
                    "Confrontare più offerte e chiedere il parere dei vicini può evitare brutte sorprese nei mesi successivi.",
                ),
            ),
        ),
        nav=("Pagina iniziale", "Notizie", "Chi siamo", "Contatti", "Archivio"),
        cookie_banner="Questo sito utilizza i cookie per migliorare la tua esperienza di navigazione. Proseguendo, accetti il loro utilizzo.",
        footer="Tutti i diritti riservati. Note legali · Informativa sulla privacy · Mappa del sito",
        contact_sentence="Scriveteci a {email} oppure chiamateci al numero {phone}.",
        payment_sentence="Potete sostenere il nostro lavoro con un bonifico all'IBAN {iban}. Grazie di cuore!",
        server_sentence="Il nostro server di riserva è raggiungibile all'indirizzo {ip}.",
        toxic_sentences=(
            "Sei un idiota inutile e un cretino patetico, nessuno vuole leggere le tue stupidaggini.",
            "Stai zitto, stupido pagliaccio, ogni parola che scrivi è una scemenza.",
            "Che imbecille che sei, un vero fallito incapace di scrivere una frase sensata.",
        ),
        toxic_terms=("idiota", "cretino", "stupido", "pagliaccio", "imbecille", "fallito", "scemenza"),
    ),
    # ------------------------------------------------------------------ Portuguese (Brazil)
    LanguageBank(
        label="por_Latn",
        html_lang="pt",
        direction="ltr",
        topics=(
            Topic(
                title="Prefeitura anuncia reforma das praças do centro",
                sentences=(
                    "A prefeitura anunciou nesta segunda-feira um plano para reformar as cinco principais praças do centro da cidade.",
                    "As obras incluem novos bancos, iluminação mais eficiente e o plantio de árvores nativas para ampliar as áreas de sombra.",
                    "Segundo o secretário de obras, os trabalhos devem começar em março e terminar antes do fim do ano.",
                    "Comerciantes da região esperam que a reforma atraia mais visitantes e ajude a movimentar as lojas nos fins de semana.",
                    "Durante as obras, algumas feiras de artesanato serão transferidas temporariamente para a rua ao lado da igreja matriz.",
                    "Os moradores poderão acompanhar o andamento do projeto em reuniões mensais na associação do bairro.",
                ),
            ),
            Topic(
                title="Bolo de cenoura com cobertura de chocolate",
                sentences=(
                    "Este bolo de cenoura fofinho é perfeito para o café da tarde e costuma fazer sucesso com as crianças.",
                    "Bata no liquidificador três cenouras médias, três ovos e meia xícara de óleo até formar um creme bem liso.",
                    "Em uma tigela, misture duas xícaras de farinha de trigo com uma xícara e meia de açúcar.",
                    "Junte o creme de cenoura aos ingredientes secos, acrescente uma colher de fermento e mexa delicadamente.",
                    "Asse em forno preaquecido a cento e oitenta graus por cerca de quarenta minutos, até o palito sair limpo.",
                    "Para a cobertura, derreta chocolate com manteiga e um pouco de leite e espalhe sobre o bolo ainda morno.",
                ),
            ),
            Topic(
                title="Roteiro de três dias pelo litoral",
                sentences=(
                    "Alugamos um carro na capital e seguimos pela estrada costeira, parando em pequenas vilas de pescadores pelo caminho.",
                    "No primeiro dia, chegamos a uma praia quase deserta, com água transparente e coqueiros até onde a vista alcançava.",
                    "À noite, jantamos peixe grelhado com arroz, feijão e salada em um restaurante simples e muito acolhedor.",
                    "No segundo dia, fizemos um passeio de barco até uma ilha onde é possível ver tartarugas marinhas.",
                    "Vale a pena acordar cedo para ver o nascer do sol, que pinta o céu de laranja e rosa.",
                    "Leve protetor solar, chapéu e bastante água, porque o calor é intenso mesmo nos meses de inverno.",
                ),
            ),
            Topic(
                title="Dicas para deixar o computador mais seguro",
                sentences=(
                    "Manter o sistema operacional sempre atualizado é a primeira medida para proteger o computador contra ataques.",
                    "Evite baixar programas de sites desconhecidos, pois muitos deles escondem vírus e aplicativos indesejados.",
                    "Use senhas longas e diferentes para cada serviço, de preferência guardadas em um gerenciador de senhas confiável.",
                    "Desconfie de mensagens que pedem dados bancários ou oferecem prêmios bons demais para ser verdade.",
                    "Fazer cópias de segurança regulares dos seus arquivos evita grandes dores de cabeça em caso de problemas.",
                    "Com alguns cuidados simples, é possível navegar com muito mais tranquilidade no dia a dia.",
                ),
            ),
        ),
        nav=("Início", "Notícias", "Quem somos", "Contato", "Arquivo"),
        cookie_banner="Utilizamos cookies para melhorar sua experiência em nosso site. Ao continuar navegando, você concorda com o seu uso.",
        footer="Todos os direitos reservados. Termos de uso · Política de privacidade · Mapa do site",
        contact_sentence="Escreva para {email} ou ligue para {phone} de segunda a sexta.",
        payment_sentence="Você pode apoiar nosso trabalho com uma doação para o IBAN {iban}. Muito obrigado!",
        server_sentence="Nosso servidor espelho está disponível no endereço {ip}.",
        toxic_sentences=(
            "Você é um idiota inútil e um imbecil patético, ninguém quer ler suas besteiras.",
            "Cala a boca, seu palhaço estúpido, tudo o que você escreve é lixo.",
            "Que otário você é, um fracassado incapaz de escrever uma frase decente.",
        ),
        toxic_terms=("idiota", "inútil", "imbecil", "palhaço", "estúpido", "otário", "fracassado", "lixo"),
    ),
    # ------------------------------------------------------------------ Dutch
    LanguageBank(
        label="nld_Latn",
        html_lang="nl",
        direction="ltr",
        topics=(
            Topic(
                title="Gemeente legt nieuwe fietsbrug aan over het kanaal",
                sentences=(
                    "De gemeenteraad heeft dinsdagavond ingestemd met de bouw van een nieuwe fietsbrug over het kanaal bij het station.",
                    "Fietsers uit de nieuwe wijken in het oosten hoeven straks niet langer een omweg van bijna drie kilometer te maken.",
                    "Volgens de wethouder moet de brug over twee jaar klaar zijn, als de vergunningen op tijd worden verleend.",
                    "De kosten worden geschat op ruim acht miljoen euro, waarvan de provincie ongeveer de helft betaalt.",
                    "Bewoners van de kade maken zich wel zorgen over de geluidsoverlast tijdens de werkzaamheden.",
                    "In het gemeentehuis liggen de tekeningen ter inzage, en er komt nog een informatieavond in het buurthuis.",
                ),
            ),
            Topic(
                title="Stamppot boerenkool zoals vroeger",
                sentences=(
                    "Op koude winterdagen is er bijna niets lekkerder dan een stevige stamppot boerenkool met een rookworst.",
                    "Schil een kilo kruimige aardappelen, snijd ze in stukken en kook ze in ruim twintig minuten gaar.",
                    "Was intussen de boerenkool grondig en laat hem de laatste tien minuten met de aardappelen meekoken.",
                    "Verwarm de rookworst volgens de aanwijzingen op de verpakking in een pan met heet water.",
                    "Giet alles af en stamp het fijn met een scheutje warme melk en een flinke klont boter.",
                    "Breng de stamppot op smaak met peper en zout en serveer hem met plakjes worst en een kuiltje jus.",
                ),
            ),
            Topic(
                title="Een weekendje Zeeland buiten het seizoen",
                sentences=(
                    "In het voorjaar is het aan de Zeeuwse kust heerlijk rustig, en de stranden zijn dan bijna helemaal leeg.",
                    "We huurden fietsen en reden over de dijken van het ene dorpje naar het andere, met de wind in de rug.",
                    "Onderweg stopten we bij een kraampje voor verse mosselen en een bakje warme kibbeling.",
                    "De oude vestingstad met haar grachten en smalle straatjes was zeker een bezoek waard.",
                    "'s Avonds keken we vanaf de duinen naar de zonsondergang boven de zee, een prachtig gezicht.",
                    "Neem wel een goede regenjas mee, want het weer kan aan zee erg snel omslaan.",
                ),
            ),
            Topic(
                title="Zo houd je je wachtwoorden veilig",
                sentences=(
                    "Veel mensen gebruiken nog steeds overal hetzelfde wachtwoord, en dat maakt het criminelen wel heel gemakkelijk.",
                    "Een wachtwoordbeheerder onthoudt voor jou lange en unieke wachtwoorden voor al je verschillende diensten.",
                    "Zet waar mogelijk tweestapsverificatie aan, zodat een gestolen wachtwoord alleen niet genoeg is om in te loggen.",
                    "Klik nooit zomaar op een link in een onverwacht bericht dat beweert dat je bankrekening is geblokkeerd.",
                    "Werk ook je telefoon en computer regelmatig bij, want nieuwe versies dichten vaak bekende beveiligingslekken.",
                    "Met deze eenvoudige gewoontes verklein je de kans op vervelende problemen aanzienlijk.",
                ),
            ),
        ),
        nav=("Startpagina", "Nieuws", "Over ons", "Contact", "Archief"),
        cookie_banner="Wij gebruiken cookies om uw bezoek aan onze site te verbeteren. Door verder te surfen gaat u hiermee akkoord.",
        footer="Alle rechten voorbehouden. Colofon · Privacyverklaring · Toegankelijkheid",
        contact_sentence="Mail ons via {email} of bel ons op {phone}.",
        payment_sentence="Steun ons werk met een gift op IBAN {iban}. Hartelijk dank!",
        server_sentence="Onze spiegelserver is bereikbaar op {ip}.",
        toxic_sentences=(
            "Je bent een waardeloze idioot en een zielige sukkel, niemand wil jouw onzin lezen.",
            "Hou je mond, stomme eikel, alles wat je schrijft is complete flauwekul.",
            "Wat ben jij een ongelooflijke mafkees, een echte nietsnut die helemaal niks kan.",
        ),
        toxic_terms=("idioot", "sukkel", "waardeloze", "stomme", "eikel", "mafkees", "nietsnut", "onzin"),
    ),
    # ------------------------------------------------------------------ Polish
    LanguageBank(
        label="pol_Latn",
        html_lang="pl",
        direction="ltr",
        topics=(
            Topic(
                title="Na osiedlu Zielonym powstało nowe przedszkole",
                sentences=(
                    "Od września na osiedlu Zielonym zacznie działać nowe przedszkole, na które mieszkańcy czekali od wielu lat.",
                    "Budynek pomieści sześć grup dzieci w wieku od trzech do sześciu lat, a także dużą salę gimnastyczną.",
                    "Według urzędu miasta budowa kosztowała ponad dwanaście milionów złotych i zakończyła się przed terminem.",
                    "Rodzice mogą składać wnioski o przyjęcie dziecka do końca kwietnia w sekretariacie lub przez stronę urzędu.",
                    "Wokół przedszkola powstał również nowy plac zabaw, który po południu będzie dostępny dla wszystkich mieszkańców.",
                    "Radni zapowiadają, że w przyszłym roku w tej samej dzielnicy rozpocznie się budowa biblioteki.",
                ),
            ),
            Topic(
                title="Domowe pierogi z kapustą i grzybami",
                sentences=(
                    "Pierogi z kapustą i grzybami to jedno z najważniejszych dań na naszym wigilijnym stole.",
                    "Kiszoną kapustę trzeba najpierw przepłukać, pokroić i gotować do miękkości przez mniej więcej godzinę.",
                    "Suszone grzyby namaczamy na noc, a następnie gotujemy je i drobno siekamy razem z podsmażoną cebulą.",
                    "Ciasto przygotowujemy z mąki, ciepłej wody, odrobiny oleju i szczypty soli, a potem cienko je wałkujemy.",
                    "Szklanką wycinamy krążki, nakładamy farsz i starannie sklejamy brzegi, żeby pierogi nie rozpadły się w wodzie.",
                    "Gotujemy je w osolonym wrzątku przez kilka minut od wypłynięcia i podajemy ze zrumienioną cebulką.",
                ),
            ),
            Topic(
                title="Weekend w Tatrach poza sezonem",
                sentences=(
                    "W październiku w Tatrach jest znacznie spokojniej niż latem, a kolorowe lasy wyglądają po prostu bajecznie.",
                    "Pierwszego dnia weszliśmy doliną do schroniska, gdzie zjedliśmy gorącą zupę i szarlotkę z bitą śmietaną.",
                    "Szlak był dobrze oznakowany, ale w wyższych partiach gór leżał już pierwszy śnieg i trzeba było uważać.",
                    "Wieczorem spacerowaliśmy po miasteczku i kupiliśmy na targu wędzony ser prosto od górala.",
                    "Drugiego dnia pogoda się popsuła, więc odwiedziliśmy muzeum i posiedzieliśmy w przytulnej kawiarni.",
                    "Przed wyjściem w góry zawsze warto sprawdzić prognozę pogody i zabrać ciepłą kurtkę oraz latarkę.",
                ),
            ),
            Topic(
                title="Jak przyspieszyć domową sieć bezprzewodową",
                sentences=(
                    "Wolny internet w domu często nie wynika z winy operatora, lecz ze złego ustawienia routera.",
                    "Router najlepiej postawić centralnie w mieszkaniu, wysoko i z dala od grubych ścian oraz mikrofalówki.",
                    "Warto też sprawdzić, czy sąsiednie sieci nie korzystają z tego samego kanału, co może powodować zakłócenia.",
                    "W większych domach dobrze sprawdzają się dodatkowe wzmacniacze sygnału lub system kilku połączonych urządzeń.",
                    "Nie zapominaj o regularnej aktualizacji oprogramowania i zmianie domyślnego hasła administratora.",
                    "Po wprowadzeniu tych prostych zmian wiele osób zauważa wyraźną poprawę szybkości połączenia.",
                ),
            ),
        ),
        nav=("Strona główna", "Aktualności", "O nas", "Kontakt", "Archiwum"),
        cookie_banner="Nasza strona korzysta z plików cookie, aby zapewnić Ci jak najlepsze wrażenia. Dalsze korzystanie ze strony oznacza zgodę na ich użycie.",
        footer="Wszelkie prawa zastrzeżone. Polityka prywatności · Regulamin · Mapa strony",
        contact_sentence="Napisz do nas na adres {email} lub zadzwoń pod numer {phone}.",
        payment_sentence="Darowizny prosimy wpłacać na konto IBAN {iban}. Serdecznie dziękujemy!",
        server_sentence="Nasz serwer lustrzany jest dostępny pod adresem {ip}.",
        toxic_sentences=(
            "Jesteś bezużytecznym idiotą i żałosnym kretynem, nikt nie chce czytać twoich bzdur.",
            "Zamknij się wreszcie, głupku, każde twoje słowo to kompletna głupota.",
            "Ale z ciebie nieudacznik i matoł, nie potrafisz napisać nawet jednego sensownego zdania.",
        ),
        toxic_terms=("idiotą", "kretynem", "żałosnym", "głupku", "głupota", "nieudacznik", "matoł", "bzdur"),
    ),
    # ------------------------------------------------------------------ Turkish
    LanguageBank(
        label="tur_Latn",
        html_lang="tr",
        direction="ltr",
        topics=(
            Topic(
                title="Belediye sahil yolunda yeni bisiklet yolu açtı",
                sentences=(
                    "Belediye, sahil boyunca uzanan yaklaşık sekiz kilometrelik yeni bisiklet yolunu hafta sonu düzenlenen bir törenle hizmete açtı.",
                    "Belediye başkanı, projenin hem trafiği azaltmayı hem de şehirde sağlıklı yaşamı teşvik etmeyi amaçladığını söyledi.",
                    "Yolun kenarına yüzlerce ağaç dikildi ve belirli aralıklarla dinlenme alanları ile içme suyu çeşmeleri yerleştirildi.",
                    "Bazı esnaf, inşaat sırasında yaşanan gürültü ve toz nedeniyle müşteri kaybettiklerini dile getirdi.",
                    "Yetkililer, önümüzdeki yıl bisiklet yolunun sahilden üniversite kampüsüne kadar uzatılacağını açıkladı.",
                    "Vatandaşlar, yolun her akşam aydınlatılacağını ve düzenli olarak temizleneceğini öğrenince oldukça memnun kaldı.",
                ),
            ),
            Topic(
                title="Anneannemin mercimek çorbası tarifi",
                sentences=(
                    "Soğuk kış günlerinde bir kase sıcak mercimek çorbası hem içinizi ısıtır hem de sizi uzun süre tok tutar.",
                    "Önce bir soğanı ve bir havucu küçük küçük doğrayıp biraz tereyağında hafifçe kavurun.",
                    "Ardından bir su bardağı kırmızı mercimeği yıkayıp tencereye ekleyin ve üzerine sıcak su dökün.",
                    "Çorbayı kısık ateşte, mercimekler tamamen dağılana kadar yaklaşık yarım saat pişirin.",
                    "Pişen çorbayı pürüzsüz bir kıvam alana kadar ezin, ardından tuz ve karabiber ekleyerek lezzetlendirin.",
                    "Servis ederken üzerine kırmızı pul biberli tereyağı gezdirin ve yanında limon dilimleriyle sunun.",
                ),
            ),
            Topic(
                title="Kapadokya'da unutulmaz iki gün",
                sentences=(
                    "Kapadokya'ya gece otobüsüyle vardık ve sabahın erken saatlerinde gökyüzünü dolduran rengârenk balonları izledik.",
                    "Peri bacaları arasında yaptığımız yürüyüş, hayatımda gördüğüm en ilginç manzaralardan birini sundu.",
                    "Öğle yemeğinde küçük bir aile lokantasında testi kebabı yedik ve çömleğin kırılışını merakla izledik.",
                    "İkinci gün yer altı şehrini gezdik; dar tüneller ve derin odalar gerçekten çok etkileyiciydi.",
                    "Akşamları hava oldukça serinlediği için yanınıza kalın bir ceket almanızı tavsiye ederim.",
                    "Mağara otelde geçirdiğimiz geceler, bu yolculuğun en güzel anıları arasında yer aldı.",
                ),
            ),
            Topic(
                title="Akıllı telefonunuzun pil ömrünü uzatmanın yolları",
                sentences=(
                    "Akıllı telefonlarla ilgili en sık şikâyet edilen sorunlardan biri, pilin gün bitmeden tükenmesidir.",
                    "Ekran parlaklığını azaltmak ve karanlık modu kullanmak, enerji tüketimini belirgin biçimde düşürebilir.",
                    "Arka planda sürekli çalışan uygulamaları kontrol etmek ve gereksiz olanları kapatmak da faydalı olur.",
                    "Telefonu aşırı sıcak ortamlarda, örneğin güneş altındaki bir arabada bırakmamaya özen gösterin.",
                    "Şarjı sıfıra kadar düşürmek yerine yüzde yirmi ile yüzde seksen arasında tutmak pilin ömrünü uzatır.",
                    "Bu basit alışkanlıklar sayesinde cihazınız hem gün boyu dayanır hem de uzun yıllar sorunsuz çalışır.",
                ),
            ),
        ),
        nav=("Ana Sayfa", "Haberler", "Hakkımızda", "İletişim", "Arşiv"),
        cookie_banner="Size daha iyi bir deneyim sunmak için sitemizde çerezler kullanıyoruz. Siteyi kullanmaya devam ederek çerez kullanımını kabul etmiş olursunuz.",
        footer="Tüm hakları saklıdır. Gizlilik Politikası · Kullanım Koşulları · Künye",
        contact_sentence="Bize {email} adresinden yazabilir veya {phone} numaralı telefondan ulaşabilirsiniz.",
        payment_sentence="Bağışlarınız için IBAN numaramız: {iban}. Desteğiniz için teşekkür ederiz!",
        server_sentence="Yedek sunucumuza {ip} adresinden erişebilirsiniz.",
        toxic_sentences=(
            "Sen tam bir aptal ve işe yaramaz bir salaksın, kimse senin saçmalıklarını okumak istemiyor.",
            "Kes sesini artık, seni beyinsiz ahmak, yazdığın her şey boş laf.",
            "Ne kadar zavallı bir ezik olduğunun farkında değil misin, sersem?",
        ),
        toxic_terms=("aptal", "salak", "beyinsiz", "ahmak", "zavallı", "ezik", "sersem", "saçmalık"),
    ),
    # ------------------------------------------------------------------ Czech
    LanguageBank(
        label="ces_Latn",
        html_lang="cs",
        direction="ltr",
        topics=(
            Topic(
                title="Radnice opraví starý most přes řeku do konce roku",
                sentences=(
                    "Městská rada ve čtvrtek schválila opravu starého kamenného mostu přes řeku, který je v havarijním stavu.",
                    "Práce začnou v červnu a potrvají přibližně šest měsíců, během nichž bude most pro auta uzavřen.",
                    "Chodci a cyklisté budou moci využívat dočasnou lávku, kterou stavební firma postaví vedle mostu.",
                    "Podle starosty bude oprava stát kolem čtyřiceti milionů korun, z nichž většinu pokryje dotace od kraje.",
                    "Někteří obchodníci na náměstí se obávají, že kvůli objížďkám přijdou o část svých zákazníků.",
                    "Podrobný harmonogram prací bude zveřejněn v městském zpravodaji a na úřední desce.",
                ),
            ),
            Topic(
                title="Babiččiny bramboráky",
                sentences=(
                    "Bramboráky jsou jednoduché, levné a chutné jídlo, které u nás doma na podzim nikdy nechybělo.",
                    "Oloupejte asi kilo brambor, nastrouhejte je najemno a přebytečnou vodu z nich pořádně vymačkejte.",
                    "Přidejte dvě vejce, několik lžic hladké mouky, prolisovaný česnek, sůl, pepř a hodně majoránky.",
                    "Těsto dobře promíchejte a na rozpáleném sádle nebo oleji smažte tenké placky dozlatova z obou stran.",
                    "Hotové bramboráky nechte okapat na papírové utěrce, aby nebyly příliš mastné.",
                    "Nejlépe chutnají hned teplé, třeba s kysaným zelím nebo jen tak se sklenkou studeného piva.",
                ),
            ),
            Topic(
                title="Víkend v Krkonoších",
                sentences=(
                    "Do Krkonoš jsme vyrazili v pátek odpoledne vlakem a na chatu jsme dorazili až po setmění.",
                    "V sobotu ráno jsme vystoupali na hřeben, odkud byl za jasného počasí nádherný výhled do okolí.",
                    "Cestou jsme se zastavili v horské boudě na borůvkové knedlíky a horký čaj s citronem.",
                    "Počasí se na horách mění velmi rychle, proto je dobré mít s sebou vždy nepromokavou bundu.",
                    "V neděli jsme si udělali kratší procházku k vodopádu a odpoledne se vydali zpátky domů.",
                    "Krkonoše jsou krásné v každém ročním období, ale na podzim tam bývá nejméně turistů.",
                ),
            ),
            Topic(
                title="Jak si doma zabezpečit bezdrátovou síť",
                sentences=(
                    "Mnoho lidí nikdy nezmění výchozí heslo svého domácího routeru, což útočníkům práci výrazně usnadňuje.",
                    "Zvolte dlouhé heslo, které obsahuje písmena, číslice i zvláštní znaky, a nikomu cizímu ho neprozrazujte.",
                    "Pravidelně kontrolujte, zda výrobce nevydal aktualizaci, která opravuje známé bezpečnostní chyby.",
                    "Pro návštěvy je vhodné vytvořit samostatnou síť pro hosty, oddělenou od vašich počítačů.",
                    "Pokud zařízení umožňuje vzdálenou správu přes internet, raději tuto funkci vypněte.",
                    "Tyto jednoduché kroky zaberou jen pár minut, ale výrazně zvýší bezpečnost celé domácnosti.",
                ),
            ),
        ),
        nav=("Úvod", "Zprávy", "O nás", "Kontakt", "Archiv"),
        cookie_banner="Tento web používá soubory cookie ke zlepšení vašeho zážitku. Pokračováním v prohlížení souhlasíte s jejich používáním.",
        footer="Všechna práva vyhrazena. Ochrana osobních údajů · Podmínky použití · Mapa stránek",
        contact_sentence="Napište nám na {email} nebo zavolejte na číslo {phone}.",
        payment_sentence="Dary můžete posílat na účet IBAN {iban}. Děkujeme za vaši podporu!",
        server_sentence="Náš záložní server je dostupný na adrese {ip}.",
        toxic_sentences=(
            "Jsi úplný idiot a ubohý blbec, nikdo nechce číst tvoje nesmysly.",
            "Už konečně drž hubu, ty hloupý šašku, každé tvoje slovo je pitomost.",
            "Ty jsi ale budižkničemu a trouba, neumíš napsat ani jednu rozumnou větu.",
        ),
        toxic_terms=("idiot", "blbec", "ubohý", "hloupý", "šašku", "pitomost", "budižkničemu", "trouba"),
    ),
    # ------------------------------------------------------------------ Russian
    LanguageBank(
        label="rus_Cyrl",
        html_lang="ru",
        direction="ltr",
        topics=(
            Topic(
                title="На набережной откроют новый городской парк",
                sentences=(
                    "Городские власти объявили, что к началу лета на месте заброшенной промзоны у реки появится большой общественный парк.",
                    "В проекте предусмотрены велосипедные дорожки, детские площадки, летняя сцена и несколько уютных кафе.",
                    "По словам главы города, работы идут по графику, а высадка деревьев начнётся уже в апреле.",
                    "Жители соседних домов в целом поддерживают проект, но просят сделать больше парковочных мест.",
                    "Парк будет открыт круглосуточно, а по вечерам территорию будут освещать современные фонари.",
                    "Обсудить проект можно будет на встрече с архитекторами в доме культуры в следующую субботу.",
                ),
            ),
            Topic(
                title="Классические сырники на завтрак",
                sentences=(
                    "Сырники — это простой и очень вкусный завтрак, который можно приготовить всего за двадцать минут.",
                    "Разомните вилкой полкило творога, добавьте одно яйцо, две ложки сахара и щепотку соли.",
                    "Постепенно вмешайте несколько ложек муки, чтобы масса стала плотной и перестала липнуть к рукам.",
                    "Сформируйте небольшие лепёшки, обваляйте их в муке и обжаривайте на среднем огне до румяной корочки.",
                    "Готовые сырники выложите на бумажное полотенце, чтобы убрать лишнее масло.",
                    "Подавайте их горячими со сметаной, вареньем, мёдом или свежими ягодами, и не забудьте про ароматный чай.",
                ),
            ),
            Topic(
                title="Выходные в Карелии",
                sentences=(
                    "В Карелию мы поехали на поезде и уже через ночь проснулись среди густых лесов и бесчисленных озёр.",
                    "В первый день мы взяли лодку напрокат и долго плавали по тихому озеру, любуясь скалистыми берегами.",
                    "Вечером хозяйка гостевого дома угостила нас ухой и домашними пирогами с брусникой.",
                    "На следующий день мы посетили старинную деревянную церковь, построенную без единого гвоздя.",
                    "Летом здесь очень много комаров, поэтому обязательно возьмите с собой надёжное средство от насекомых.",
                    "Мы вернулись домой отдохнувшими и уже мечтаем снова приехать сюда осенью.",
                ),
            ),
            Topic(
                title="Как защитить свои данные в сети",
                sentences=(
                    "Многие пользователи до сих пор используют один и тот же пароль для почты, соцсетей и банковских приложений.",
                    "Гораздо надёжнее придумать длинные и разные пароли или доверить их хранение специальной программе.",
                    "Обязательно включите двухфакторную аутентификацию, особенно для электронной почты и интернет-банка.",
                    "Не переходите по ссылкам из подозрительных писем, даже если они выглядят как сообщения от вашего банка.",
                    "Регулярно обновляйте операционную систему и программы, ведь обновления закрывают известные уязвимости.",
                    "Эти простые привычки почти не отнимают времени, но серьёзно снижают риск взлома.",
                ),
            ),
        ),
        nav=("Главная", "Новости", "О нас", "Контакты", "Архив"),
        cookie_banner="Мы используем куки-файлы, чтобы сделать сайт удобнее. Продолжая пользоваться сайтом, вы соглашаетесь с их использованием.",
        footer="Все права защищены. Политика конфиденциальности · Пользовательское соглашение · Карта сайта",
        contact_sentence="Пишите нам на {email} или звоните по телефону {phone}.",
        payment_sentence="Поддержать проект можно переводом на счёт {iban}. Спасибо за помощь!",
        server_sentence="Наш зеркальный сервер доступен по адресу {ip}.",
        toxic_sentences=(
            "Ты никчёмный идиот и жалкий придурок, никто не хочет читать твою чушь.",
            "Заткнись уже, тупой болван, каждое твоё слово — полная ерунда.",
            "Какой же ты неудачник и кретин, не можешь связать даже двух слов.",
        ),
        toxic_terms=("идиот", "придурок", "никчёмный", "жалкий", "тупой", "болван", "неудачник", "кретин"),
    ),
    # ------------------------------------------------------------------ Ukrainian
    LanguageBank(
        label="ukr_Cyrl",
        html_lang="uk",
        direction="ltr",
        topics=(
            Topic(
                title="У місті відкриють нову бібліотеку для дітей",
                sentences=(
                    "Міська рада ухвалила рішення відкрити в центрі міста сучасну дитячу бібліотеку з ігровою кімнатою та читальною залою.",
                    "Приміщення колишнього кінотеатру вже ремонтують, а роботи мають завершитися до початку навчального року.",
                    "За словами директорки, фонд бібліотеки налічуватиме понад двадцять тисяч книжок українською та іноземними мовами.",
                    "Для дітей щотижня проводитимуть безкоштовні заняття з малювання, читання вголос та основ програмування.",
                    "Батьки вже цікавляться розкладом гуртків і можливістю записати дітей заздалегідь.",
                    "Офіційне відкриття заплановано на першу суботу вересня, і всіх мешканців запрошують на свято.",
                ),
            ),
            Topic(
                title="Справжній український борщ",
                sentences=(
                    "Борщ — це страва, яку в кожній родині готують по-своєму, але основа завжди залишається незмінною.",
                    "Спочатку зваріть насичений бульйон із яловичини на кістці, знімаючи піну під час кипіння.",
                    "Буряк наріжте соломкою і тушкуйте з ложкою оцту, щоб він зберіг свій яскравий колір.",
                    "Окремо обсмажте цибулю й моркву, а потім додайте томатну пасту та трохи бульйону.",
                    "У киплячий бульйон покладіть картоплю, нашатковану капусту, а згодом засмажку і буряк.",
                    "Подавайте борщ гарячим зі сметаною, свіжою зеленню та пампушками з часником.",
                ),
            ),
            Topic(
                title="Подорож Карпатами восени",
                sentences=(
                    "Восени Карпати особливо гарні: схили гір вкриваються золотим і багряним листям.",
                    "Ми зупинилися в затишній садибі, господарі якої щоранку готували банош із бринзою.",
                    "Першого дня ми піднялися на вершину, звідки відкривався чудовий краєвид на сусідні хребти.",
                    "Дорогою ми зустріли пастухів, які саме зганяли овець із високогірних полонин до села.",
                    "Увечері ми грілися біля каміна, пили трав'яний чай і слухали місцеві легенди.",
                    "Обов'язково візьміть теплий одяг і зручне взуття, бо в горах погода змінюється дуже швидко.",
                ),
            ),
            Topic(
                title="Як захистити свій телефон від шахраїв",
                sentences=(
                    "Шахраї дедалі частіше телефонують людям, видаючи себе за працівників банку чи служби підтримки.",
                    "Ніколи не повідомляйте стороннім код із повідомлення, навіть якщо співрозмовник звучить дуже переконливо.",
                    "Встановлюйте застосунки лише з офіційних крамниць і уважно перевіряйте, які дозволи вони просять.",
                    "Увімкніть блокування екрана та двоетапну перевірку для пошти й банківських застосунків.",
                    "Регулярно оновлюйте операційну систему та застосунки, адже оновлення виправляють відомі вразливості.",
                    "Якщо ви все ж стали жертвою шахрайства, негайно зателефонуйте до свого банку та заблокуйте картку.",
                ),
            ),
        ),
        nav=("Головна", "Новини", "Про нас", "Контакти", "Архів"),
        cookie_banner="Ми використовуємо файли куки, щоб зробити сайт зручнішим. Продовжуючи користуватися сайтом, ви погоджуєтеся з цим.",
        footer="Усі права захищено. Політика конфіденційності · Умови використання · Карта сайту",
        contact_sentence="Пишіть нам на {email} або телефонуйте за номером {phone}.",
        payment_sentence="Підтримати нашу роботу можна переказом на рахунок {iban}. Щиро дякуємо!",
        server_sentence="Наш дзеркальний сервер доступний за адресою {ip}.",
        toxic_sentences=(
            "Ти нікчемний ідіот і жалюгідний дурень, ніхто не хоче читати твої дурниці.",
            "Та замовкни вже, тупий бовдуре, кожне твоє слово — суцільна маячня.",
            "Який же ти невдаха і йолоп, не можеш написати жодного розумного речення.",
        ),
        toxic_terms=("ідіот", "дурень", "нікчемний", "жалюгідний", "тупий", "бовдур", "невдаха", "йолоп"),
    ),
    # ------------------------------------------------------------------ Bulgarian
    LanguageBank(
        label="bul_Cyrl",
        html_lang="bg",
        direction="ltr",
        topics=(
            Topic(
                title="Общината ремонтира централния площад",
                sentences=(
                    "Общинският съвет одобри проекта за цялостен ремонт на централния площад, който ще започне през март.",
                    "Предвижда се подмяна на настилката, нови пейки, повече зелени площи и модерно улично осветление.",
                    "Според кмета ремонтът ще продължи около осем месеца и ще бъде финансиран основно с европейски средства.",
                    "По време на работите пазарът ще се премести временно на паркинга до читалището.",
                    "Част от търговците се опасяват, че ще загубят клиенти, но повечето жители подкрепят промяната.",
                    "Общината ще организира обществено обсъждане в сряда вечер в голямата зала на читалището.",
                ),
            ),
            Topic(
                title="Баница със сирене като на баба",
                sentences=(
                    "Баницата със сирене е любима закуска в почти всеки български дом, особено в неделя сутрин.",
                    "В купа разбийте четири яйца, добавете кисело мляко, щипка сода и натрошено бяло сирене.",
                    "Намажете тавата с масло и започнете да редите корите, като поръсвате всяка от тях с плънката.",
                    "Последната кора намажете обилно с разтопено масло, за да стане баницата хрупкава и златиста.",
                    "Печете в предварително загрята фурна на сто и осемдесет градуса около четиридесет минути.",
                    "Оставете я да почине малко под кърпа и я поднесете с чаша студен айрян.",
                ),
            ),
            Topic(
                title="Почивни дни в Родопите",
                sentences=(
                    "В петък следобед потеглихме към Родопите и привечер вече бяхме в малко село, сгушено между боровите гори.",
                    "Домакините ни посрещнаха с топъл клин и домашно сладко от боровинки.",
                    "В събота се разходихме до красив водопад, а по пътя събирахме гъби и слушахме песента на птиците.",
                    "Следобед посетихме стара пещера с впечатляващи сталактити и подземно езеро.",
                    "Вечерта седяхме край огъня и слушахме как местни музиканти свирят на гайда.",
                    "Ако планирате подобно пътуване, вземете топли дрехи, защото нощите в планината са хладни дори през лятото.",
                ),
            ),
            Topic(
                title="Как да удължим живота на батерията на телефона",
                sentences=(
                    "Батерията е една от частите на телефона, които най-бързо губят капацитета си с годините.",
                    "Не е нужно телефонът да се зарежда всяка вечер до сто процента, нито да се изтощава напълно.",
                    "Намаляването на яркостта на екрана и тъмният режим могат да спестят значително количество енергия.",
                    "Проверете кои приложения работят постоянно във фонов режим и изключете ненужните.",
                    "Избягвайте да оставяте устройството на пряка слънчева светлина или в горещ автомобил.",
                    "С тези прости навици телефонът ще издържа по-дълго през деня и ще ви служи повече години.",
                ),
            ),
        ),
        nav=("Начало", "Новини", "За нас", "Контакти", "Архив"),
        cookie_banner="Този сайт използва бисквитки, за да подобри вашето изживяване. Продължавайки да го разглеждате, вие се съгласявате с тяхното използване.",
        footer="Всички права запазени. Политика за поверителност · Общи условия · Карта на сайта",
        contact_sentence="Пишете ни на {email} или се обадете на телефон {phone}.",
        payment_sentence="Можете да подкрепите работата ни с дарение по сметка {iban}. Благодарим ви!",
        server_sentence="Нашият огледален сървър е достъпен на адрес {ip}.",
        toxic_sentences=(
            "Ти си безполезен идиот и жалък глупак, никой не иска да чете твоите глупости.",
            "Млъкни най-накрая, тъп дръвнико, всяка твоя дума е пълна простотия.",
            "Какъв нещастник и тъпанар си само, не можеш да напишеш нито едно смислено изречение.",
        ),
        toxic_terms=("идиот", "глупак", "безполезен", "жалък", "тъп", "дръвник", "нещастник", "простотия"),
    ),
    # ------------------------------------------------------------------ Greek
    LanguageBank(
        label="ell_Grek",
        html_lang="el",
        direction="ltr",
        topics=(
            Topic(
                title="Ο δήμος ανακοίνωσε νέους πεζόδρομους στο κέντρο",
                sentences=(
                    "Το δημοτικό συμβούλιο ενέκρινε την πεζοδρόμηση δύο κεντρικών δρόμων της πόλης, η οποία θα ολοκληρωθεί μέσα στο καλοκαίρι.",
                    "Σύμφωνα με τον δήμαρχο, το έργο θα βελτιώσει την ποιότητα ζωής των κατοίκων και θα ενισχύσει τα τοπικά καταστήματα.",
                    "Στους νέους πεζόδρομους θα φυτευτούν δέντρα και θα τοποθετηθούν παγκάκια και σύγχρονα φωτιστικά.",
                    "Ορισμένοι επαγγελματίες εκφράζουν ανησυχία για την πρόσβαση των φορτηγών που τροφοδοτούν τα μαγαζιά.",
                    "Ο δήμος διαβεβαιώνει ότι η τροφοδοσία θα επιτρέπεται τις πρωινές ώρες, από τις έξι έως τις δέκα.",
                    "Οι πολίτες μπορούν να υποβάλουν τις προτάσεις τους στο δημαρχείο μέχρι το τέλος του μήνα.",
                ),
            ),
            Topic(
                title="Τα γεμιστά της γιαγιάς",
                sentences=(
                    "Τα γεμιστά είναι ένα από τα πιο αγαπημένα καλοκαιρινά φαγητά, ιδιαίτερα όταν οι ντομάτες είναι ώριμες και ζουμερές.",
                    "Κόψτε το καπάκι από τις ντομάτες και τις πιπεριές και αδειάστε προσεκτικά το εσωτερικό τους.",
                    "Ανακατέψτε το ρύζι με την ψίχα της ντομάτας, ψιλοκομμένο κρεμμύδι, δυόσμο, μαϊντανό, αλάτι και πιπέρι.",
                    "Γεμίστε τα λαχανικά μέχρι τα τρία τέταρτα, γιατί το ρύζι φουσκώνει κατά το ψήσιμο.",
                    "Προσθέστε πατάτες κομμένες σε κομμάτια ανάμεσα στα γεμιστά και περιχύστε τα με άφθονο ελαιόλαδο.",
                    "Ψήστε τα στον φούρνο για περίπου μιάμιση ώρα, μέχρι να ροδίσουν και να μαλακώσουν καλά.",
                ),
            ),
            Topic(
                title="Τρεις μέρες σε ένα νησί των Κυκλάδων",
                sentences=(
                    "Φτάσαμε στο νησί με το πρωινό πλοίο και από το κατάστρωμα βλέπαμε τα λευκά σπίτια να λάμπουν στον ήλιο.",
                    "Μείναμε σε ένα μικρό οικογενειακό κατάλυμα με θέα στη θάλασσα και μια υπέροχη κληματαριά στην αυλή.",
                    "Τα πρωινά κολυμπούσαμε σε ήσυχες παραλίες με κρυστάλλινα νερά και ελάχιστο κόσμο.",
                    "Το απόγευμα περπατήσαμε στα στενά σοκάκια του χωριού και ανεβήκαμε στο παλιό κάστρο για το ηλιοβασίλεμα.",
                    "Σε μια ταβέρνα δίπλα στο λιμάνι δοκιμάσαμε φρέσκο ψάρι, χταπόδι στα κάρβουνα και ντόπιο τυρί.",
                    "Αν ταξιδέψετε τον Αύγουστο, κλείστε εισιτήρια και δωμάτιο αρκετούς μήνες νωρίτερα.",
                ),
            ),
            Topic(
                title="Πώς να προστατέψετε τους κωδικούς σας",
                sentences=(
                    "Πολλοί χρήστες εξακολουθούν να χρησιμοποιούν τον ίδιο κωδικό πρόσβασης σε όλες τις υπηρεσίες που επισκέπτονται.",
                    "Ένας διαχειριστής κωδικών μπορεί να δημιουργεί και να αποθηκεύει μακριούς και μοναδικούς κωδικούς για κάθε λογαριασμό.",
                    "Ενεργοποιήστε τον έλεγχο ταυτότητας δύο παραγόντων, ειδικά για το ηλεκτρονικό ταχυδρομείο και την τράπεζα.",
                    "Μην πατάτε συνδέσμους σε ύποπτα μηνύματα που σας ζητούν να επιβεβαιώσετε επειγόντως τα στοιχεία σας.",
                    "Ενημερώνετε τακτικά το λειτουργικό σύστημα του υπολογιστή και του κινητού σας τηλεφώνου.",
                    "Αυτές οι απλές συνήθειες απαιτούν ελάχιστο χρόνο, αλλά μειώνουν σημαντικά τον κίνδυνο παραβίασης.",
                ),
            ),
        ),
        nav=("Αρχική", "Ειδήσεις", "Σχετικά με εμάς", "Επικοινωνία", "Αρχείο"),
        cookie_banner="Χρησιμοποιούμε μπισκότα για να βελτιώσουμε την εμπειρία σας στον ιστότοπό μας. Συνεχίζοντας την περιήγηση, αποδέχεστε τη χρήση τους.",
        footer="Με επιφύλαξη παντός δικαιώματος. Πολιτική απορρήτου · Όροι χρήσης · Χάρτης ιστότοπου",
        contact_sentence="Γράψτε μας στο {email} ή καλέστε μας στο {phone}.",
        payment_sentence="Μπορείτε να στηρίξετε το έργο μας με δωρεά στον λογαριασμό {iban}. Σας ευχαριστούμε!",
        server_sentence="Ο εναλλακτικός διακομιστής μας είναι διαθέσιμος στη διεύθυνση {ip}.",
        toxic_sentences=(
            "Είσαι ένας άχρηστος ηλίθιος και ένας αξιολύπητος βλάκας, κανείς δεν θέλει να διαβάζει τις βλακείες σου.",
            "Σκάσε επιτέλους, χαζέ γελοίε, κάθε λέξη σου είναι σκέτη ανοησία.",
            "Τι αποτυχημένος και τι μπούφος είσαι, δεν μπορείς να γράψεις ούτε μία λογική πρόταση.",
        ),
        toxic_terms=(
            "ηλίθιος",
            "βλάκας",
            "άχρηστος",
            "αξιολύπητος",
            "χαζέ",
            "γελοίε",
            "αποτυχημένος",
            "μπούφος",
        ),
    ),
    # ------------------------------------------------------------------ Arabic (Modern Standard)
    LanguageBank(
        label="arb_Arab",
        html_lang="ar",
        direction="rtl",
        topics=(
            Topic(
                title="البلدية تفتتح حديقة عامة جديدة في وسط المدينة",
                sentences=(
                    "افتتحت البلدية صباح يوم السبت حديقة عامة جديدة في وسط المدينة بعد أكثر من عامين من أعمال البناء.",
                    "وتضم الحديقة مساحات خضراء واسعة وممرات للمشي وملاعب للأطفال ونافورة كبيرة في منتصفها.",
                    "وقال رئيس البلدية إن المشروع يهدف إلى توفير متنفس للعائلات وتحسين جودة الحياة في الأحياء المزدحمة.",
                    "وقد زرع المتطوعون أكثر من ألف شجرة من الأنواع المحلية التي تتحمل الحرارة وقلة المياه.",
                    "وأعرب عدد من السكان عن سعادتهم بالمشروع، لكنهم طالبوا بتوفير مواقف كافية للسيارات حول الحديقة.",
                    "وستفتح الحديقة أبوابها يومياً من الساعة السادسة صباحاً حتى منتصف الليل طوال أيام الأسبوع.",
                ),
            ),
            Topic(
                title="طريقة تحضير المجدرة في البيت",
                sentences=(
                    "المجدرة من الأطباق الشعبية البسيطة والمغذية، وهي تتكون أساساً من العدس والأرز والبصل المقلي.",
                    "اغسل كوباً من العدس البني جيداً، ثم اسلقه في الماء حتى ينضج نصف نضج.",
                    "أضف كوباً من الأرز المغسول مع الملح والكمون، واترك الخليط على نار هادئة حتى يمتص الماء.",
                    "في هذه الأثناء، قطّع ثلاث بصلات إلى شرائح رفيعة واقلها في الزيت حتى يصبح لونها ذهبياً داكناً.",
                    "ضع نصف البصل المقلي فوق العدس والأرز، ثم غطّ القدر واتركه ينضج لمدة عشر دقائق.",
                    "قدّم المجدرة ساخنة مع باقي البصل المقرمش وطبق من سلطة الخيار باللبن.",
                ),
            ),
            Topic(
                title="رحلة لا تُنسى إلى الصحراء",
                sentences=(
                    "انطلقنا في الصباح الباكر بسيارة رباعية الدفع نحو الصحراء، وكانت الكثبان الرملية تمتد أمامنا بلا نهاية.",
                    "توقفنا عند واحة صغيرة تحيط بها أشجار النخيل، وشربنا الشاي بالنعناع مع عائلة بدوية كريمة.",
                    "في المساء شاهدنا غروب الشمس من أعلى تلة رملية، حيث تحولت السماء إلى ألوان برتقالية وحمراء.",
                    "ثم جلسنا حول النار وتناولنا العشاء تحت سماء مليئة بالنجوم لم نرَ مثلها من قبل.",
                    "في اليوم التالي ركبنا الجمال لمدة ساعتين وزرنا قرية قديمة مبنية من الطين.",
                    "ننصح المسافرين بحمل ملابس دافئة لأن درجات الحرارة تنخفض كثيراً في الليل.",
                ),
            ),
            Topic(
                title="نصائح لحماية حساباتك على الإنترنت",
                sentences=(
                    "ما زال كثير من المستخدمين يستعملون كلمة المرور نفسها لجميع حساباتهم، وهذا خطأ شائع وخطير.",
                    "يُنصح باختيار كلمات مرور طويلة ومختلفة لكل خدمة، وحفظها في برنامج موثوق لإدارة كلمات المرور.",
                    "كما يجب تفعيل التحقق بخطوتين، خاصة في البريد الإلكتروني والتطبيقات المصرفية.",
                    "لا تضغط على الروابط الواردة في الرسائل المشبوهة حتى لو بدت وكأنها صادرة عن مصرفك.",
                    "احرص على تحديث نظام التشغيل والتطبيقات بانتظام، لأن التحديثات تسد الثغرات الأمنية المعروفة.",
                    "هذه العادات البسيطة لا تستغرق وقتاً طويلاً، لكنها تقلل كثيراً من خطر الاختراق.",
                ),
            ),
        ),
        nav=("الرئيسية", "الأخبار", "من نحن", "اتصل بنا", "الأرشيف"),
        cookie_banner="نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا. باستمرارك في التصفح فإنك توافق على استخدامها.",
        footer="جميع الحقوق محفوظة. سياسة الخصوصية · شروط الاستخدام · خريطة الموقع",
        contact_sentence="راسلونا على {email} أو اتصلوا بنا على الرقم {phone}.",
        payment_sentence="يمكنكم دعم عملنا بالتبرع إلى الحساب المصرفي رقم {iban}. شكراً لكم!",
        server_sentence="خادمنا الاحتياطي متاح على العنوان {ip}.",
        toxic_sentences=(
            "أنت أحمق عديم الفائدة وغبي مثير للشفقة، لا أحد يريد قراءة تفاهاتك.",
            "اخرس يا تافه، كل كلمة تكتبها مجرد هراء سخيف.",
            "يا لك من فاشل ومغفل، لا تستطيع حتى كتابة جملة واحدة مفهومة.",
        ),
        toxic_terms=("أحمق", "غبي", "تافه", "هراء", "فاشل", "مغفل", "سخيف"),
    ),
    # ------------------------------------------------------------------ Hebrew
    LanguageBank(
        label="heb_Hebr",
        html_lang="he",
        direction="rtl",
        topics=(
            Topic(
                title="העירייה תשפץ את הגן הציבורי במרכז העיר",
                sentences=(
                    "מועצת העיר אישרה השבוע תוכנית לשיפוץ מקיף של הגן הציבורי הגדול במרכז העיר.",
                    "במסגרת העבודות יוחלפו המתקנים במגרש המשחקים, יונחו שבילי הליכה חדשים ויינטעו עשרות עצים.",
                    "לדברי ראש העירייה, השיפוץ יימשך כשמונה חודשים ויסתיים לקראת החגים בסתיו.",
                    "בזמן העבודות ייסגר החלק הצפוני של הגן, אך החלק הדרומי יישאר פתוח לציבור.",
                    "תושבי השכונה מברכים על ההחלטה, אך חלקם מבקשים להוסיף תאורה ומקומות חניה.",
                    "כנס תושבים בנושא יתקיים ביום רביעי בערב באולם של המרכז הקהילתי השכונתי.",
                ),
            ),
            Topic(
                title="שקשוקה ביתית בעשרים דקות",
                sentences=(
                    "שקשוקה היא ארוחה פשוטה, זולה וטעימה, שמתאימה לבוקר, לצהריים וגם לארוחת ערב קלה.",
                    "מחממים שמן זית במחבת רחבה ומטגנים בצל קצוץ ופלפל אדום עד שהם מתרככים.",
                    "מוסיפים שיני שום כתושות, פפריקה מתוקה, כמון ומעט פלפל חריף לפי הטעם.",
                    "לאחר מכן מוסיפים עגבניות מרוסקות ומבשלים על אש בינונית כעשר דקות, עד שהרוטב מסמיך.",
                    "יוצרים גומות קטנות ברוטב, שוברים לתוכן ביצים ומכסים את המחבת עד שהחלבונים מתייצבים.",
                    "מפזרים פטרוזיליה קצוצה ומגישים מיד עם לחם טרי וסלט ירקות קצוץ.",
                ),
            ),
            Topic(
                title="טיול סוף שבוע בגליל",
                sentences=(
                    "יצאנו ביום שישי בבוקר לכיוון הגליל העליון, ובדרך עצרנו לארוחת בוקר בכפר קטן.",
                    "ביום הראשון הלכנו במסלול מוצל לאורך נחל זורם, מוקף עצים ירוקים ובריכות של מים צלולים.",
                    "בערב לנו בבקתת עץ נעימה עם נוף מרהיב אל ההרים והעמקים שמסביב.",
                    "בשבת בבוקר טיפסנו לנקודת תצפית, שממנה אפשר לראות את הכנרת ביום בהיר.",
                    "בדרך חזרה קנינו גבינות עיזים ושמן זית ממשק משפחתי קטן.",
                    "מומלץ להגיע מוקדם בבוקר, כי בשעות הצהריים המסלולים הפופולריים מתמלאים במטיילים.",
                ),
            ),
            Topic(
                title="איך לשמור על הסיסמאות שלכם",
                sentences=(
                    "משתמשים רבים עדיין בוחרים באותה סיסמה לכל השירותים, וזו טעות נפוצה ומסוכנת.",
                    "כדאי ליצור סיסמאות ארוכות ושונות לכל אתר ולשמור אותן בתוכנה ייעודית לניהול סיסמאות.",
                    "הפעילו אימות דו־שלבי בכל מקום שאפשר, במיוחד עבור הדואר האלקטרוני וחשבון הבנק.",
                    "אל תלחצו על קישורים בהודעות חשודות, גם אם הן נראות כאילו נשלחו מהבנק שלכם.",
                    "הקפידו לעדכן באופן קבוע את מערכת ההפעלה ואת היישומים בטלפון ובמחשב.",
                    "ההרגלים הפשוטים האלה לוקחים מעט זמן, אבל מפחיתים מאוד את הסיכון לפריצה.",
                ),
            ),
        ),
        nav=("דף הבית", "חדשות", "אודות", "צור קשר", "ארכיון"),
        cookie_banner="אתר זה משתמש בעוגיות כדי לשפר את חוויית הגלישה שלכם. המשך הגלישה מהווה הסכמה לשימוש בהן.",
        footer="כל הזכויות שמורות. מדיניות פרטיות · תנאי שימוש · מפת האתר",
        contact_sentence="כתבו לנו לכתובת {email} או התקשרו למספר {phone}.",
        payment_sentence="ניתן לתמוך בפעילותנו בתרומה לחשבון {iban}. תודה רבה!",
        server_sentence="שרת המראה שלנו זמין בכתובת {ip}.",
        toxic_sentences=(
            "אתה אידיוט חסר ערך ומטומטם פתטי, אף אחד לא רוצה לקרוא את השטויות שלך.",
            "תשתוק כבר, טמבל טיפש, כל מילה שאתה כותב היא זבל.",
            "איזה אפס וחמור אתה, אתה לא מסוגל לכתוב אפילו משפט הגיוני אחד.",
        ),
        toxic_terms=("אידיוט", "מטומטם", "טמבל", "טיפש", "זבל", "אפס", "חמור", "שטויות"),
    ),
    # ------------------------------------------------------------------ Hindi
    LanguageBank(
        label="hin_Deva",
        html_lang="hi",
        direction="ltr",
        topics=(
            Topic(
                title="नगर निगम ने शहर में नए पार्क का उद्घाटन किया",
                sentences=(
                    "नगर निगम ने रविवार को शहर के पुराने बाज़ार के पास एक नए सार्वजनिक पार्क का उद्घाटन किया।",
                    "इस पार्क में बच्चों के लिए झूले, बुज़ुर्गों के लिए छायादार बेंचें और सुबह की सैर के लिए लंबा रास्ता बनाया गया है।",
                    "महापौर ने कहा कि इस परियोजना का उद्देश्य शहर में हरियाली बढ़ाना और लोगों को स्वच्छ हवा उपलब्ध कराना है।",
                    "स्थानीय स्वयंसेवकों ने पिछले महीने यहाँ पाँच सौ से अधिक पेड़ लगाए थे।",
                    "आसपास के निवासियों ने इस पहल का स्वागत किया, लेकिन उन्होंने रात में बेहतर रोशनी की माँग भी की।",
                    "पार्क हर दिन सुबह पाँच बजे से रात दस बजे तक सभी के लिए खुला रहेगा।",
                ),
            ),
            Topic(
                title="घर पर बनाएँ स्वादिष्ट दाल तड़का",
                sentences=(
                    "दाल तड़का भारतीय घरों में सबसे ज़्यादा बनने वाले व्यंजनों में से एक है और इसे बनाना बहुत आसान है।",
                    "सबसे पहले एक कप अरहर की दाल को अच्छी तरह धोकर आधे घंटे के लिए पानी में भिगो दें।",
                    "फिर दाल को हल्दी और नमक के साथ कुकर में तीन सीटी आने तक पकाएँ।",
                    "एक छोटी कड़ाही में घी गरम करें और उसमें जीरा, हींग, लहसुन और सूखी लाल मिर्च डालें।",
                    "जब मसाले सुनहरे हो जाएँ, तो इस तड़के को पकी हुई दाल में डालकर अच्छी तरह मिलाएँ।",
                    "ऊपर से हरा धनिया छिड़कें और गरमागरम दाल को चावल या रोटी के साथ परोसें।",
                ),
            ),
            Topic(
                title="पहाड़ों में एक यादगार सप्ताहांत",
                sentences=(
                    "हम शुक्रवार की रात बस से निकले और सुबह होते-होते पहाड़ों के बीच बसे एक छोटे से गाँव में पहुँच गए।",
                    "ठंडी हवा, देवदार के ऊँचे पेड़ और दूर बर्फ़ से ढकी चोटियाँ देखकर सारी थकान मिट गई।",
                    "पहले दिन हमने नदी के किनारे-किनारे लंबी पैदल यात्रा की और एक पुराने मंदिर के दर्शन किए।",
                    "शाम को हमने एक छोटे ढाबे में गरमागरम राजमा-चावल और अदरक वाली चाय का आनंद लिया।",
                    "दूसरे दिन मौसम अचानक बदल गया, इसलिए हमने कमरे में बैठकर किताबें पढ़ीं और खिड़की से बारिश देखी।",
                    "अगर आप भी पहाड़ों पर जाने की सोच रहे हैं, तो गर्म कपड़े और ज़रूरी दवाइयाँ साथ ज़रूर रखें।",
                ),
            ),
            Topic(
                title="धोखाधड़ी से अपनी कमाई कैसे बचाएँ",
                sentences=(
                    "आजकल धोखेबाज़ लोग बैंक कर्मचारी बनकर फ़ोन करते हैं और लोगों से उनकी निजी जानकारी माँगते हैं।",
                    "किसी भी अनजान व्यक्ति को अपनी गोपनीय जानकारी या संदेश में आया सत्यापन कोड कभी न बताएँ।",
                    "संदिग्ध संदेशों में भेजे गए किसी भी अनजान पते को खोलने से पहले अच्छी तरह जाँच कर लें।",
                    "अपने मोबाइल फ़ोन और कंप्यूटर को नियमित रूप से अद्यतन करते रहें, ताकि सुरक्षा की कमियाँ दूर हो सकें।",
                    "यदि आपके साथ धोखाधड़ी हो जाए, तो तुरंत अपने बैंक को सूचित करें और पुलिस में शिकायत दर्ज कराएँ।",
                    "थोड़ी सी सावधानी बरतकर आप अपनी मेहनत की कमाई को सुरक्षित रख सकते हैं।",
                ),
            ),
        ),
        nav=("मुखपृष्ठ", "समाचार", "हमारे बारे में", "संपर्क करें", "संग्रह"),
        cookie_banner="हम आपके अनुभव को बेहतर बनाने के लिए कुकीज़ का उपयोग करते हैं। इस साइट का उपयोग जारी रखकर आप इसके लिए अपनी सहमति देते हैं।",
        footer="सर्वाधिकार सुरक्षित। गोपनीयता नीति · उपयोग की शर्तें · साइट मानचित्र",
        contact_sentence="हमें {email} पर लिखें या {phone} पर फ़ोन करें।",
        payment_sentence="आप हमारे काम में सहयोग के लिए खाता संख्या {iban} में दान कर सकते हैं। धन्यवाद!",
        server_sentence="हमारा वैकल्पिक सर्वर {ip} पते पर उपलब्ध है।",
        toxic_sentences=(
            "तुम एक निकम्मे बेवकूफ़ और दयनीय मूर्ख हो, कोई भी तुम्हारी बकवास नहीं पढ़ना चाहता।",
            "चुप हो जाओ, गधे, तुम्हारा हर शब्द सिर्फ़ बेकार की बकवास है।",
            "तुम कितने बड़े नालायक और उल्लू हो, एक सही वाक्य भी नहीं लिख सकते।",
        ),
        toxic_terms=("बेवकूफ़", "मूर्ख", "निकम्मे", "बकवास", "गधे", "नालायक", "उल्लू"),
    ),
    # ------------------------------------------------------------------ Japanese
    LanguageBank(
        label="jpn_Jpan",
        html_lang="ja",
        direction="ltr",
        topics=(
            Topic(
                title="市が駅前に新しい図書館を建設へ",
                sentences=(
                    "市は再来年の春までに、駅前の再開発地区に新しい市立図書館を建設すると発表しました。",
                    "新しい図書館には、子ども向けの読み聞かせコーナーや、学生が静かに勉強できる自習室が設けられる予定です。",
                    "市長は記者会見で、誰もが気軽に立ち寄れる、まちの居間のような場所にしたいと話しました。",
                    "建設費はおよそ三十億円で、その一部は国の補助金でまかなわれる見込みです。",
                    "一方で、一部の住民からは駐車場が少なすぎるのではないかという心配の声も上がっています。",
                    "市は来月、設計案について市民の意見を聞く説明会を公民館で開く予定です。",
                ),
            ),
            Topic(
                title="簡単でおいしい肉じゃがの作り方",
                sentences=(
                    "肉じゃがは、家庭料理の定番として昔から親しまれている、ほっとする味の煮物です。",
                    "じゃがいもは皮をむいて大きめの一口大に切り、玉ねぎはくし形に、にんじんは乱切りにします。",
                    "鍋に油を熱して牛肉を炒め、色が変わったら野菜を加えて全体に油が回るまで炒めます。",
                    "だし汁、砂糖、みりん、しょうゆを加え、落としぶたをして弱めの中火で十五分ほど煮込みます。",
                    "じゃがいもに竹串がすっと通るくらいやわらかくなったら、火を止めてしばらく置き、味をなじませます。",
                    "一度冷ますことで味がよくしみ込むので、前の日に作っておくのもおすすめです。",
                ),
            ),
            Topic(
                title="紅葉の京都を歩く週末旅",
                sentences=(
                    "十一月の週末、色づいた紅葉を見るために新幹線に乗って京都へ出かけました。",
                    "朝早くお寺に着いたので観光客もまだ少なく、静かな境内で赤く染まったもみじをゆっくり眺めることができました。",
                    "お昼は路地裏の小さなお店で、湯豆腐と季節の野菜を使った定食をいただきました。",
                    "午後は川沿いの道を散歩しながら、古い町家が並ぶ通りで和菓子屋さんに立ち寄りました。",
                    "夜になると、明かりに照らされた庭園が幻想的な雰囲気に包まれ、とても印象に残りました。",
                    "紅葉の時期はとても混雑するので、宿は早めに予約しておくことをおすすめします。",
                ),
            ),
            Topic(
                title="パソコンを長く快適に使うためのコツ",
                sentences=(
                    "パソコンの動作が遅くなったと感じたら、まずは使っていないアプリを整理してみましょう。",
                    "起動時に自動で立ち上がるソフトを減らすだけでも、起動にかかる時間がかなり短くなります。",
                    "大切な写真や書類は、外付けのハードディスクなどに定期的に保存しておくと安心です。",
                    "本体の通気口にほこりがたまると熱がこもりやすくなるので、時々掃除をすることも大切です。",
                    "また、基本ソフトやアプリは常に最新の状態に更新して、安全に使えるようにしておきましょう。",
                    "ちょっとした手入れを続けるだけで、古いパソコンでも何年も快適に使い続けることができます。",
                ),
            ),
        ),
        nav=("ホーム", "ニュース", "私たちについて", "お問い合わせ", "アーカイブ"),
        cookie_banner="当サイトでは、より快適にご利用いただくためにクッキーを使用しています。引き続き閲覧することで、クッキーの使用に同意したものとみなされます。",
        footer="無断転載を禁じます。個人情報保護方針・利用規約・サイトマップ",
        contact_sentence="ご質問は{email}までメールでお送りいただくか、{phone}までお電話ください。",
        payment_sentence="活動へのご寄付は口座番号{iban}までお願いいたします。ご支援ありがとうございます。",
        server_sentence="ミラーサーバーは{ip}でご利用いただけます。",
        toxic_sentences=(
            "お前は本当に役立たずのバカで、どうしようもないアホだな。",
            "黙れ、このマヌケ、お前の書くことは全部くだらないゴミだ。",
            "なんて情けないクズなんだ、まともな文章ひとつ書けない能なしめ。",
        ),
        toxic_terms=("バカ", "アホ", "役立たず", "マヌケ", "ゴミ", "クズ", "能なし"),
    ),
    # ------------------------------------------------------------------ Mandarin Chinese (Simplified)
    LanguageBank(
        label="cmn_Hans",
        html_lang="zh-Hans",
        direction="ltr",
        topics=(
            Topic(
                title="市政府宣布在老城区新建社区公园",
                sentences=(
                    "市政府日前宣布，将在老城区一片废弃厂房的原址上建设一座占地约五公顷的社区公园。",
                    "公园内计划设置儿童游乐区、健身步道、露天剧场以及供老年人休息的凉亭。",
                    "据负责人介绍，工程预计明年春天开工，争取在国庆节前向市民开放。",
                    "附近居民普遍对该项目表示欢迎，但也有人担心施工期间的噪音会影响日常生活。",
                    "为此，施工单位承诺每天晚上十点以后不再进行大型机械作业。",
                    "市民可以在下个月底之前通过街道办事处对设计方案提出意见和建议。",
                ),
            ),
            Topic(
                title="家常西红柿炒鸡蛋的做法",
                sentences=(
                    "西红柿炒鸡蛋是一道简单又下饭的家常菜，几乎每个中国家庭都会做。",
                    "先把三个鸡蛋打入碗中，加入少许盐，用筷子充分搅拌均匀。",
                    "西红柿洗净后去蒂切成小块，小葱洗净后切成葱花，放在一旁备用。",
                    "锅中倒油烧热，倒入蛋液，待其稍微凝固后用铲子划散，盛出备用。",
                    "锅里再加一点油，放入西红柿翻炒出汁，加入少许白糖和盐调味。",
                    "最后把炒好的鸡蛋倒回锅中，与西红柿一起翻炒均匀，撒上葱花即可出锅。",
                ),
            ),
            Topic(
                title="秋天的杭州两日游",
                sentences=(
                    "十月底我们坐高铁来到杭州，正好赶上满城桂花飘香的季节。",
                    "第一天清晨，我们沿着西湖边散步，湖面上薄雾缭绕，远处的山峦若隐若现。",
                    "中午在一家老字号餐馆品尝了西湖醋鱼和东坡肉，味道非常地道。",
                    "下午我们去了山里的茶园，跟着茶农学习采茶，还喝到了刚刚炒好的新茶。",
                    "晚上在河坊街逛了逛，买了一些丝绸围巾和特色小吃，准备带回家送给朋友。",
                    "如果你也打算去杭州旅游，建议避开节假日，否则景区里到处都是人。",
                ),
            ),
            Topic(
                title="让旧电脑重新变快的几个小窍门",
                sentences=(
                    "很多人觉得电脑用了几年就越来越慢，其实只要做一些简单的维护就能明显改善。",
                    "首先可以卸载那些长期不用的软件，并关闭不必要的开机自启动程序。",
                    "把传统的机械硬盘换成固态硬盘，通常是提升速度最有效的方法。",
                    "定期清理机箱和风扇上的灰尘，可以避免电脑因为过热而频繁卡顿。",
                    "重要的照片和文件最好定期备份到移动硬盘或其他存储设备上。",
                    "只要养成良好的使用习惯，一台旧电脑仍然可以满足日常办公和上网的需求。",
                ),
            ),
        ),
        nav=("首页", "新闻", "关于我们", "联系我们", "历史存档"),
        cookie_banner="本网站使用浏览器缓存文件来改善您的浏览体验，继续访问即表示您同意我们使用这些文件。",
        footer="版权所有，保留一切权利。隐私政策 · 使用条款 · 网站地图",
        contact_sentence="如有疑问，请发送邮件至{email}或拨打电话{phone}与我们联系。",
        payment_sentence="如您愿意支持我们的工作，欢迎向账户{iban}捐款，衷心感谢！",
        server_sentence="我们的镜像服务器地址为{ip}。",
        toxic_sentences=(
            "你就是个没用的白痴，一个可悲的蠢货，没人想看你写的垃圾。",
            "闭嘴吧你这个笨蛋，你说的每一句话都是废话。",
            "你真是个窝囊废，连一句通顺的话都写不出来，简直是个饭桶。",
        ),
        toxic_terms=("白痴", "蠢货", "没用", "垃圾", "笨蛋", "废话", "窝囊废", "饭桶"),
    ),
    # ------------------------------------------------------------------ Korean
    LanguageBank(
        label="kor_Hang",
        html_lang="ko",
        direction="ltr",
        topics=(
            Topic(
                title="시, 구도심에 새 공공도서관 건립 계획 발표",
                sentences=(
                    "시는 구도심의 오래된 시장 건물을 새롭게 단장하여 내년 가을까지 공공도서관으로 개관한다고 밝혔다.",
                    "새 도서관에는 어린이 열람실과 청소년을 위한 학습 공간, 그리고 주민들이 이용할 수 있는 작은 공연장이 들어선다.",
                    "시장은 기자회견에서 누구나 편하게 찾아와 책을 읽고 쉴 수 있는 동네 사랑방을 만들겠다고 말했다.",
                    "총사업비는 약 백이십억 원으로, 이 가운데 일부는 정부 지원금으로 충당될 예정이다.",
                    "다만 일부 주민들은 도서관 주변의 주차 공간이 부족하다며 시에 대책 마련을 요구하고 있다.",
                    "시는 다음 달 주민센터에서 설계안에 대한 설명회를 열고 시민들의 의견을 폭넓게 듣기로 했다.",
                ),
            ),
            Topic(
                title="집에서 쉽게 만드는 김치찌개",
                sentences=(
                    "김치찌개는 잘 익은 김치만 있으면 누구나 쉽게 만들 수 있는 대표적인 한국 가정식이다.",
                    "먼저 냄비에 기름을 두르고 돼지고기를 볶다가 고기 색이 변하면 김치를 넣고 함께 볶는다.",
                    "김치가 부드러워지면 물이나 멸치 육수를 붓고 고춧가루와 다진 마늘을 넣어 끓인다.",
                    "국물이 끓어오르면 두부를 먹기 좋은 크기로 썰어 넣고 중간 불에서 십 분 정도 더 끓인다.",
                    "마지막으로 대파를 송송 썰어 넣고 부족한 간은 국간장이나 소금으로 맞춘다.",
                    "갓 지은 따뜻한 밥과 함께 먹으면 추운 겨울날 이만한 음식이 없다.",
                ),
            ),
            Topic(
                title="가을 제주 올레길 여행기",
                sentences=(
                    "지난 주말 가을바람을 맞으며 제주의 올레길을 걷기 위해 이른 아침 비행기에 올랐다.",
                    "첫날에는 바다를 따라 이어진 길을 걸으며 푸른 물결과 검은 현무암이 어우러진 풍경을 감상했다.",
                    "점심으로는 작은 식당에서 갓 잡은 생선으로 끓인 매운탕을 먹었는데 정말 맛있었다.",
                    "오후에는 억새가 은빛으로 물든 오름에 올라 섬 전체를 내려다보며 한참 동안 쉬었다.",
                    "저녁에는 숙소 근처 시장에 들러 귤과 전통 과자를 사서 가족들에게 줄 선물로 챙겼다.",
                    "제주 날씨는 변덕이 심하니 가벼운 우비와 따뜻한 겉옷을 꼭 챙기는 것이 좋다.",
                ),
            ),
            Topic(
                title="휴대폰 배터리를 오래 쓰는 방법",
                sentences=(
                    "휴대폰을 오래 사용하다 보면 배터리가 금방 닳아 불편을 겪는 경우가 많다.",
                    "화면 밝기를 조금 낮추고 어두운 화면 모드를 사용하면 전력 소모를 상당히 줄일 수 있다.",
                    "사용하지 않는 앱이 뒤에서 계속 실행되고 있지 않은지 주기적으로 확인하는 것도 중요하다.",
                    "배터리를 완전히 방전시키기보다는 이십에서 팔십 퍼센트 사이로 유지하는 것이 수명에 도움이 된다.",
                    "뜨거운 차 안이나 직사광선 아래에 휴대폰을 두지 않도록 주의해야 한다.",
                    "이런 작은 습관만 지켜도 휴대폰을 훨씬 더 오래 쾌적하게 사용할 수 있다.",
                ),
            ),
        ),
        nav=("홈", "뉴스", "회사 소개", "문의하기", "보관함"),
        cookie_banner="이 웹사이트는 더 나은 서비스를 제공하기 위해 쿠키를 사용합니다. 계속 이용하시면 쿠키 사용에 동의하는 것으로 간주됩니다.",
        footer="모든 권리 보유. 개인정보처리방침 · 이용약관 · 사이트맵",
        contact_sentence="문의 사항은 {email}로 이메일을 보내시거나 {phone}으로 전화해 주세요.",
        payment_sentence="후원금은 계좌번호 {iban}으로 보내 주시면 감사하겠습니다.",
        server_sentence="미러 서버는 {ip} 주소에서 이용하실 수 있습니다.",
        toxic_sentences=(
            "너는 정말 쓸모없는 바보이자 한심한 멍청이야, 아무도 네 헛소리를 읽고 싶어 하지 않아.",
            "입 좀 다물어, 이 얼간이야, 네가 쓰는 말은 전부 쓰레기야.",
            "넌 진짜 찌질이에 머저리라서 제대로 된 문장 하나도 못 쓰는구나.",
        ),
        toxic_terms=("바보", "멍청이", "쓸모없는", "한심한", "얼간이", "쓰레기", "찌질이", "머저리"),
    ),
)

#: Every demo language, keyed by its GlotLID-style label (``xxx_Scrp``), in a stable order.
LANGUAGES: dict[str, LanguageBank] = {bank.label: bank for bank in _BANKS}


def all_labels() -> list[str]:
    """The language labels in their stable dictionary order."""
    return list(LANGUAGES)


def scripts() -> set[str]:
    """The ISO 15924 script codes covered by the banks (the part of each label after ``_``)."""
    return {label.split("_", 1)[1] for label in LANGUAGES}
