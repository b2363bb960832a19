"""The multilingual lexicon: every term maps to a language-independent concept id of one kind.

A concept (``MOSQUE``, ``QURAN``, ``BURN``, ``BAN``) has a *kind* that says how it combines in a sentence:

- targets: ``group`` (faiths' followers, communities, migrants), ``faith`` (Islam, Judaism...), ``place`` (places of
  worship), ``object`` (scriptures), ``figure`` (prophets), ``dress`` (veil, burqa, turban), ``site`` (named holy
  sites whose status is contested), ``occasion`` (Ramadan, Christmas: context only, never a target on its own
  except for bans);
- acts: ``violence`` (intentional: attack, shooting, arson), ``harm`` (killed, died: counts only next to an
  intentional act or a place of worship), ``desecrate`` (burning, vandalism), ``mock`` (cartoons, insults),
  ``ban``, ``convert`` (a holy site turned into another faith's), ``remove`` (forcible removal of religious dress),
  ``hostility`` (hate crime, threat, riot, discrimination), ``terror``;
- self-charged: ``hate`` (Islamophobia, antisemitism, anti-Muslim), ``blasphemy``, ``extremist`` (Islamist,
  far-right, white supremacist);
- context: ``sport``, ``leisure`` (sailing, cooking), ``health`` (lockdowns), ``nation`` (only inside ``anti-X``),
  ``worship`` (prayer, worshippers).

Terms are written lower-case. A term ending in ``*`` is a stem (prefix match, for inflected and compounding
languages: Turkish ``cami*`` matches *camiye*, *camide*); a term starting with ``!`` is an exception to a stem
(``!camia*``: *camia* is "community"). Multi-word terms are matched as phrases on normalized tokens. Arabic tokens
are also tried without their proclitics (و ف ب ل ك ال), so ``مسجد`` matches *والمسجد*.

Terms marked in ``AMBIGUOUS`` count only when the same sentence carries a religious context (a faith, group or
worship term): French *voile* is a sail unless the sentence is about Islam or religion; *temple* is a university or
a surname unless a faith is near.
"""

from __future__ import annotations

# concept id -> (kind, {lang: "term|term|..."})
LEXICON: dict[str, tuple[str, dict[str, str]]] = {
    # ---------------------------------------------------------------- groups and faiths
    "MUSLIM": ("group", {
        "en": "muslim|muslims|moslem|moslems|muslim-american|muslim-americans",
        "fr": "musulman|musulmans|musulmane|musulmanes",
        "es": "musulmán|musulmanes|musulmana|musulmanas",
        "de": "muslim|muslime|muslimen|muslima|muslimin|musliminnen|muslimisch*",
        "pt": "muçulmano|muçulmanos|muçulmana|muçulmanas",
        "tr": "müslüman*",
        "ar": "مسلم|مسلمين|مسلمون|مسلمه|مسلمات|المسلم",
        "zh": "穆斯林",
    }),
    "JEW": ("group", {
        "en": "jew|jews|jewish|jewry",
        "fr": "juif|juifs|juive|juives",
        "es": "judío|judíos|judía|judías",
        "de": "jude|juden|jüdin|jüdisch*",
        "pt": "judeu|judeus|judia|judias|judaica|judaico",
        "tr": "yahudi*",
        "ar": "يهود|يهودي|اليهود|يهوديه|اليهوديه",
        "zh": "犹太人|犹太",
    }),
    "CHRISTIAN": ("group", {
        "en": "christian|christians|catholic|catholics|copt|copts|coptic|evangelical|evangelicals",
        "fr": "chrétien|chrétiens|chrétienne|chrétiennes|catholique|catholiques|copte|coptes",
        "es": "cristiano|cristianos|cristiana|cristianas|católico|católicos",
        "de": "christ|christen|christin|christlich*|katholik*",
        "pt": "cristão|cristãos|cristã|cristãs|católico|católicos",
        "tr": "hristiyan*|hıristiyan*",
        "ar": "مسيحي|مسيحيين|مسيحيون|المسيحيين|اقباط|قبطي|الاقباط|نصارى",
        "zh": "基督徒|基督教徒|天主教徒",
    }),
    "HINDU": ("group", {"en": "hindu|hindus", "fr": "hindou|hindous", "es": "hindú|hindúes", "de": "hindu*",
                        "pt": "hindu|hindus", "tr": "hindu*", "ar": "هندوس|هندوسي", "zh": "印度教徒"}),
    "SIKH": ("group", {"en": "sikh|sikhs", "fr": "sikh|sikhs", "es": "sij|sijs", "de": "sikh*", "pt": "sikh|sikhs",
                       "tr": "sih*", "ar": "السيخ|سيخ", "zh": "锡克教徒"}),
    "BUDDHIST": ("group", {"en": "buddhist|buddhists", "fr": "bouddhiste|bouddhistes", "es": "budista|budistas",
                           "de": "buddhist*", "pt": "budista|budistas", "tr": "budist*", "ar": "بوذي|البوذيين",
                           "zh": "佛教徒"}),
    "ROHINGYA": ("group", {"en": "rohingya|rohingyas", "fr": "rohingya|rohingyas", "es": "rohinyá|rohingyas",
                           "de": "rohingya", "pt": "rohingya", "tr": "arakanlı*", "ar": "الروهينغا|روهينغا",
                           "zh": "罗兴亚人"}),
    "UYGHUR": ("group", {"en": "uyghur|uyghurs|uighur|uighurs", "fr": "ouïghour|ouïghours|ouïgour|ouïgours",
                         "es": "uigur|uigures", "de": "uigur*", "pt": "uigur|uigures", "tr": "uygur*",
                         "ar": "الايغور|ايغور", "zh": "维吾尔"}),
    "ROMA": ("group", {"en": "roma people|romani", "fr": "roms", "es": "gitanos", "de": "sinti", "pt": "ciganos",
                       "tr": "romanlar"}),
    "MIGRANT": ("group", {
        "en": "migrant|migrants|immigrant|immigrants|refugee|refugees|asylum seeker|asylum seekers|asylum-seekers",
        "fr": "migrant|migrants|migrante|migrantes|immigré|immigrés|réfugié|réfugiés|demandeurs d'asile",
        "es": "migrante|migrantes|inmigrante|inmigrantes|refugiado|refugiados",
        "de": "migrant*|flüchtling*|geflüchtete*|asylbewerber*|zuwanderer",
        "pt": "migrante|migrantes|imigrante|imigrantes|refugiado|refugiados",
        "tr": "göçmen*|mülteci*|sığınmacı*",
        "ar": "مهاجرين|المهاجرين|لاجئين|اللاجئين|لاجئ|مهاجر",
        "zh": "移民|难民",
    }),
    "WORSHIPPER": ("group", {
        "en": "worshipper|worshippers|worshiper|worshipers|congregation|congregants|parishioners|imam|rabbi|priest",
        "fr": "fidèles|fidèle|imam|rabbin|prêtre|curé",
        "es": "fieles|feligreses|imán|rabino|sacerdote",
        "de": "gläubige*|betende*|imam|rabbiner|priester|gemeindemitglieder",
        "pt": "fiéis|fiel|imã|rabino|padre",
        "tr": "cemaat*|imam*|haham*|rahip*|namaz kılan*",
        "ar": "المصلين|مصلين|امام|الامام|حاخام|كاهن",
        "zh": "信徒|礼拜者|伊玛目|拉比|神父",
    }),
    "ISLAM": ("faith", {
        "en": "islam|islamic|islam's",
        "fr": "islam|islamique|islamiques",
        "es": "islam|islámico|islámica|islámicos",
        "de": "islam|islamisch*",
        "pt": "islã|islão|islâmico|islâmica|islamismo",
        "tr": "islam*|!islamcı*",
        "ar": "الاسلام|الاسلاميه|اسلامي|اسلاميه|الاسلامي|للاسلام|بالاسلام",
        "zh": "伊斯兰教|伊斯兰",
    }),
    "JUDAISM": ("faith", {"en": "judaism", "fr": "judaïsme", "es": "judaísmo", "de": "judentum*",
                          "pt": "judaísmo", "tr": "yahudilik*", "ar": "اليهوديه", "zh": "犹太教"}),
    "CHRISTIANITY": ("faith", {"en": "christianity", "fr": "christianisme", "es": "cristianismo",
                               "de": "christentum*", "pt": "cristianismo", "tr": "hristiyanlık*",
                               "ar": "المسيحيه", "zh": "基督教"}),
    "RELIGION": ("faith", {
        "en": "religion|religions|religious|faith|faiths|sacred|holy site|holy sites|interfaith",
        "fr": "religion|religions|religieux|religieuse|religieuses|sacré|sacrée|laïcité",
        "es": "religión|religiones|religioso|religiosa|religiosos|sagrado|sagrada",
        "de": "religion*|religiös*|glaube*|heilig*",
        "pt": "religião|religiões|religioso|religiosa|sagrado|sagrada",
        "tr": "din|dini|dinî|dinler*|kutsal*",
        "ar": "الدين|دين|الديني|الدينيه|ديني|دينيه|المقدسات|مقدس",
        "zh": "宗教",
    }),
    "NATION": ("nation", {
        "en": "french|turkish|chinese|asian|asians|arab|arabs|african|africans|american|americans|western|"
              "black|blacks|white|whites|immigration|foreign|foreigners|semitic|semite|semites|hindu|christian|"
              "jewish|muslim|islam|islamic|migrant|immigrant|refugee|roma|gypsy",
    }),
    # ---------------------------------------------------------------- places, objects, figures, dress, sites
    "MOSQUE": ("place", {
        "en": "mosque|mosques|masjid|islamic center|islamic centre|islamic centers|islamic centres|minaret|minarets",
        "fr": "mosquée|mosquées|minaret|minarets|salle de prière",
        "es": "mezquita|mezquitas|minarete|minaretes",
        "de": "moschee*|minarett*",
        "pt": "mesquita|mesquitas|minarete|minaretes",
        "tr": "cami|camii|camiye|camide|camiden|camiyi|camiler*|camisi*|camisin*|minare*",
        "ar": "مسجد|المسجد|مساجد|المساجد|جامع|الجامع|مئذنه|مآذن|المآذن",
        "zh": "清真寺|宣礼塔",
    }),
    "SYNAGOGUE": ("place", {"en": "synagogue|synagogues", "fr": "synagogue|synagogues", "es": "sinagoga|sinagogas",
                            "de": "synagoge*", "pt": "sinagoga|sinagogas", "tr": "sinagog*",
                            "ar": "كنيس|الكنيس|معبد يهودي", "zh": "犹太教堂"}),
    "CHURCH": ("place", {
        "en": "church|churches|cathedral|cathedrals|chapel|basilica",
        "fr": "église|églises|cathédrale|cathédrales|chapelle|basilique",
        "es": "iglesia|iglesias|catedral|capilla|basílica",
        "de": "kirche*|dom|kathedrale*|kapelle*",
        "pt": "igreja|igrejas|catedral|capela|basílica",
        "tr": "kilise*|katedral*",
        "ar": "كنيسه|الكنيسه|كنائس|الكنائس|كاتدرائيه",
        "zh": "教堂|大教堂",
    }),
    "TEMPLE": ("place", {"en": "temple|temples|gurdwara|gurdwaras|pagoda", "fr": "temple|temples|gurdwara",
                         "es": "templo|templos", "de": "tempel*|gurdwara", "pt": "templo|templos",
                         "tr": "tapınak*|tapınağ*", "ar": "معبد|المعبد", "zh": "寺庙|神庙|锡克庙"}),
    "CEMETERY": ("place", {"en": "cemetery|cemeteries|graves|gravestones|tombstones|graveyard",
                           "fr": "tombes|sépultures|cimetière|cimetières",
                           "es": "tumbas|lápidas|cementerio|cementerios", "de": "grabsteine|gräber|friedhof*",
                           "pt": "túmulos|lápides|cemitério|cemitérios",
                           "tr": "mezar taşları|mezarlık*", "ar": "مقابر|قبور|مقبره|المقبره", "zh": "墓地"}),
    "QURAN": ("object", {
        "en": "quran|qur'an|koran|korans|qurans|holy book|qur’an",
        "fr": "coran|corans",
        "es": "corán|coranes",
        "de": "koran*",
        "pt": "alcorão|corão",
        "tr": "kuran*|kur'an*|kur’an*|mushaf*",
        "ar": "القران|قران|المصحف|مصحف|مصاحف|المصاحف",
        "zh": "古兰经|可兰经",
    }),
    "BIBLE": ("object", {"en": "bible|bibles", "fr": "bible|bibles", "es": "biblia|biblias", "de": "bibel*",
                         "pt": "bíblia|bíblias", "tr": "incil*", "ar": "الانجيل|انجيل", "zh": "圣经"}),
    "TORAH": ("object", {"en": "torah|torah scrolls", "fr": "torah|thora", "es": "torá", "de": "tora*|thora*",
                         "pt": "torá", "tr": "tevrat*", "ar": "التوراه", "zh": "妥拉"}),
    "PROPHET": ("figure", {
        "en": "prophet muhammad|prophet mohammed|prophet mohammad|the prophet|prophet|muhammad|mohammed|mohammad",
        "fr": "prophète|mahomet",
        "es": "profeta|mahoma",
        "de": "prophet*|mohammed",
        "pt": "profeta|maomé",
        "tr": "peygamber*|hz. muhammed|hazreti muhammed",
        "ar": "الرسول|النبي|رسول الله|محمد",
        "zh": "先知|穆罕默德",
    }),
    "DRESS": ("dress", {
        "en": "hijab|hijabs|headscarf|headscarves|head scarf|burqa|burqas|burka|burkas|niqab|niqabs|veil|veils|"
              "burkini|burkinis|abaya|abayas|turban|turbans|kippah|yarmulke|face veil|face veils|full-face veil|"
              "full-face veils|full face veil|full face veils|face covering|face coverings|face-covering",
        "fr": "hijab|voile|voiles|foulard|foulards|burqa|burka|niqab|burkini|abaya|abayas|voile intégral|"
              "voile islamique|"
              "port du voile|turban|kippa",
        "es": "hiyab|velo|velo islámico|burka|niqab|burkini|pañuelo islámico|turbante|kipá",
        "de": "kopftuch*|burka*|burkini*|nikab*|niqab*|schleier*|vollverschleierung*|verschleierung*|kippa",
        "pt": "hijab|véu|véu islâmico|burca|burka|niqab|burkini|turbante|quipá",
        "tr": "başörtü*|türban*|çarşaf*|peçe*|burka*|nikap*|tesettür*",
        "ar": "الحجاب|حجاب|النقاب|نقاب|البرقع|برقع|البوركيني",
        "zh": "头巾|面纱|罩袍|希贾布|布卡",
    }),
    "SITE": ("site", {
        "en": "hagia sophia|al-aqsa|al aqsa|aqsa|temple mount|babri|babri masjid|ayodhya|western wall|"
              "chora church|church of the holy sepulchre|cave of the patriarchs|ibrahimi mosque",
        "fr": "sainte-sophie|sainte sophie|al-aqsa|esplanade des mosquées|mont du temple|mur des lamentations",
        "es": "santa sofía|al aqsa|explanada de las mezquitas|monte del templo|muro de las lamentaciones",
        "de": "hagia sophia|al-aksa|al-aqsa|tempelberg*|klagemauer*",
        "pt": "santa sofia|al-aqsa|monte do templo|muro das lamentações",
        "tr": "ayasofya*|aya sofya|mescid-i aksa|kariye*",
        "ar": "ايا صوفيا|الاقصى|المسجد الاقصى|الحرم الابراهيمي|حائط البراق",
        "zh": "圣索菲亚|阿克萨|圣殿山|哭墙",
    }),
    "OCCASION": ("occasion", {
        "en": "ramadan|eid|christmas|easter|hanukkah|passover|yom kippur|diwali",
        "fr": "ramadan|aïd|noël|pâques|hanoukka",
        "es": "ramadán|navidad|pascua|januká",
        "de": "ramadan|weihnacht*|ostern|chanukka",
        "pt": "ramadão|ramadã|natal|páscoa",
        "tr": "ramazan*|bayram*|noel*|paskalya*",
        "ar": "رمضان|العيد|عيد الفطر|عيد الاضحى|عيد الميلاد",
        "zh": "斋月|开斋节|圣诞节",
    }),
    "WORSHIP": ("worship", {
        "en": "prayer|prayers|friday prayers|friday prayer|worship|mass|service|sermon|pray|praying",
        "fr": "prière|prières|culte|messe|office",
        "es": "oración|oraciones|culto|misa|rezo",
        "de": "gebet*|gottesdienst*|messe",
        "pt": "oração|orações|culto|missa",
        "tr": "namaz*|ibadet*|ayin*|dua*",
        "ar": "الصلاه|صلاه|صلاة|العبادة|العباده",
        "zh": "礼拜|祈祷|弥撒",
    }),
    # ---------------------------------------------------------------- acts
    "ATTACK": ("violence", {
        "en": "attack|attacks|attacked|attacking|attacker|attackers|assault|assaulted|assaults|rampage|"
              "murder|murders|murdered|murderer|murderers|killer|killers|slain|slaughter|slaughtered|killing spree|"
              "storm|storms|stormed|storming|raid|raided|raids|"
              "massacre|massacres|massacred|carnage|onslaught|raid on",
        "fr": "attaque|attaques|attaqué|attaquée|agression|agressions|agressé|agressée|attentat|attentats|"
              "massacre|tuerie|assaut",
        "es": "ataque|ataques|atacado|atacada|atacó|agresión|agresiones|agredido|atentado|atentados|masacre|"
              "matanza",
        "de": "angriff*|anschlag*|anschläge*|attacke*|attentat*|überfall*|massaker*|blutbad*",
        "pt": "ataque|ataques|atacado|atacada|agressão|agressões|agredido|atentado|atentados|massacre|chacina",
        "tr": "saldırı*|saldırgan*|katliam*|baskın*",
        "ar": "هجوم|الهجوم|هجمات|الهجمات|اعتداء|الاعتداء|اعتداءات|مجزره|المجزره|هاجم|استهداف|اقتحام",
        "zh": "袭击|攻击|屠杀|血案",
    }),
    "SHOOTING": ("violence", {
        "en": "shooting|shootings|shooter|shooters|gunman|gunmen|opened fire|opens fire|open fire|gunned down|"
              "gunning down|shot dead|mass shooting",
        "fr": "fusillade|fusillades|tireur|tireurs|ouvert le feu|ouvre le feu|abattu|abattus",
        "es": "tiroteo|tiroteos|pistolero|tirador|abrió fuego|abre fuego|balacera",
        "de": "schüsse|schütze*|schießerei*|todesschütze*|amokläufer*|erschossen",
        "pt": "tiroteio|tiroteios|atirador|atiradores|abriu fogo",
        "tr": "silahlı saldırı*|ateş açtı|ateş açan|tetikçi*|silahlı saldırgan*",
        "ar": "اطلاق النار|اطلاق نار|مسلح|المسلح|اطلق النار|رصاص",
        "zh": "枪击|枪手|开枪",
    }),
    "STAB": ("violence", {"en": "stab|stabbed|stabbing|stabbings|knifeman|knife attack|beheaded|beheading|lynch*|mob",
                          "fr": "poignardé|poignardée|coups de couteau|décapité|décapitation|lynché|lynchage",
                          "es": "apuñalado|apuñalada|apuñalamiento|decapitado|decapitación|linchado|linchamiento",
                          "de": "erstochen|messerangriff*|messerattacke*|enthauptet|enthauptung*|gelyncht",
                          "pt": "esfaqueado|esfaqueada|esfaqueamento|decapitado|decapitação|linchado|linchamento",
                          "tr": "bıçakla*|bıçaklı*|kafası kesil*|linç*",
                          "ar": "طعن|طعنا|ذبح|قطع راس|سحل",
                          "zh": "持刀|刺死|斩首|私刑"}),
    "BOMB": ("violence", {"en": "bomb|bombs|bombing|bombings|bomber|bombed|suicide bomber|explosives|car bomb",
                          "fr": "bombe|bombes|attentat-suicide|kamikaze|explosifs",
                          "es": "bomba|bombas|atentado suicida|explosivos|coche bomba",
                          "de": "bombe*|sprengsatz*|selbstmordattentat*|sprengstoff*",
                          "pt": "bomba|bombas|homem-bomba|explosivos|carro-bomba",
                          "tr": "bomba*|canlı bomba*|patlayıcı*",
                          "ar": "تفجير|التفجير|انتحاري|عبوه ناسفه|قنبله|تفجيرات",
                          "zh": "炸弹|爆炸袭击|自杀式"}),
    "ARSON": ("violence", {"en": "arson|arsonist|set on fire|set fire|set alight|torched|firebombed|firebomb|"
                                "fire-bombed|petrol bomb",
                           "fr": "incendie criminel|incendié*|incendier|incendiaire*|mis le feu",
                           "es": "incendio provocado|incendiar*|incendió|incendiado*|incendiada*|prendieron fuego",
                           "de": "brandanschlag*|brandstiftung*|angezündet|brandsatz*",
                           "pt": "incêndio criminoso|incendiar*|incendiou|incendiado*|incendiada*|atearam fogo",
                           "tr": "kundakla*|ateşe ver*",
                           "ar": "احراق|حرق|اضرام النار|اضرموا النار|احرقوا",
                           "zh": "纵火|焚烧"}),
    "FIRE": ("harm", {"en": "fire|blaze", "fr": "incendie|feu", "es": "incendio|fuego", "de": "brand|feuer",
                      "pt": "incêndio|fogo", "tr": "yangın*", "ar": "حريق|الحريق", "zh": "火灾|大火"}),
    "KILL": ("harm", {
        "en": "kill|kills|killed|killing|killings|dead|death|deaths|died|victims|wounded|injured",
        "fr": "tué|tués|tuée|tuées|meurtre|meurtrier|morts|mort|victimes|blessés|assassiné|assassinat",
        "es": "muertos|muerto|asesinado|asesinados|asesinato|asesino|víctimas|heridos",
        "de": "getötet|tote|toten|mord*|mörder*|opfer|verletzt*|ermordet",
        "pt": "mortos|morto|morta|assassinado|assassinato|assassino|vítimas|feridos",
        "tr": "öldürül*|öldürdü*|hayatını kaybet*|ölü|yaralı*|cinayet*|katil*",
        "ar": "قتل|مقتل|قتلى|القتلى|قتيل|جرحى|ضحايا|اغتيال",
        "zh": "死亡|遇难|杀害|遇害|受伤",
    }),
    "BURN": ("desecrate", {
        "en": "burn|burns|burned|burnt|burning|burnings|torch|torches",
        "fr": "brûler|brûlé|brûlée|brûlés|brûlure|autodafé|brûle|brûlent",
        "es": "quem*|!quemadura*",
        "de": "verbrenn*|verbrannt*|angezündet",
        "pt": "queim*|!queimadura*",
        "tr": "yak*|yaktı*|yakıl*|yakma*|!yakın*|!yakala*|!yakış*",
        "ar": "حرق|احرق|احراق|يحرق|حرقوا|احرقوا|اشعل",
        "zh": "焚烧|烧毁|焚毁|烧",
    }),
    "DESECRATE": ("desecrate", {
        "en": "desecrat*|vandalis*|vandaliz*|vandal|vandals|defac*|graffiti|swastika|swastikas|daubed|smeared|"
              "tore up|torn up|ripped up|kicked|urinated|pig's head|pig head|pigs head|demolish*|demolition|razed|"
              "bulldoz*|torn down|tore down|pulled down|torn|tore|tear|tears|tearing|ripped|shredded|trampled|"
              "stamped on|thrown in",
        "fr": "profan*|vandalis*|saccag*|démoli*|rasé|rasée|tag|tags|croix gammée|croix gammées|souill*|déchir*",
        "es": "profan*|vandaliz*|pintadas|demoli*|derribad*|esvástica|esvásticas|destroz*",
        "de": "schändung*|geschändet|schänd*|abgerissen|abriss*|geschmiert|beschmiert|hakenkreuz*|verwüst*|"
              "zerrissen|entweih*",
        "pt": "profan*|vandaliz*|demoli*|pichaç*|suástica*|depred*",
        "tr": "hakaret*|saldırıya uğra*|tahrip*|yıkıl*|yıktı*|gamalı haç*|yırt*|kirlet*",
        "ar": "تدنيس|تخريب|هدم|مزق|يمزق|مزقوا|تمزق|داس|تمزيق|دنس|اهانه|الاساءه|اساءه|صليب معقوف",
        "zh": "亵渎|破坏|涂鸦|纳粹标志|撕毁",
    }),
    "MOCK": ("mock", {
        "en": "cartoon|cartoons|cartoonist|cartoonists|caricature|caricatures|mock|mocks|mocked|mocking|insult|"
              "insults|insulted|insulting|offensive|denigrat*|ridicul*|anti-islam film|film",
        "fr": "caricature|caricatures|caricaturiste|dessin|dessins|insulte|insultes|insulté|moquerie|offense|"
              "outrage|injure",
        "es": "caricatura|caricaturas|caricaturista|viñeta|viñetas|insulto|insultos|ofensa|burla|ofensivo",
        "de": "karikatur*|mohammed-karikatur*|beleidig*|verspott*|verhöhn*|schmähung*",
        "pt": "caricatura|caricaturas|cartum|charge|charges|insulto|insultos|ofensa|zombar*",
        "tr": "karikatür*|hakaret*|alay*|aşağıla*",
        "ar": "رسوم|الرسوم|رسوم مسيئه|الرسوم المسيئه|كاريكاتير|اساءه|الاساءه|المسيئه|مسيء|سخريه|استهزاء",
        "zh": "漫画|讽刺|侮辱|冒犯",
    }),
    "BLASPHEMY": ("blasphemy", {
        "en": "blasphemy|blasphemous|blasphemer|blasphemers|apostasy|apostate|sacrilege|sacrilegious|fatwa",
        "fr": "blasphème|blasphèmes|blasphématoire|blasphémateur|apostasie|sacrilège|fatwa",
        "es": "blasfemia|blasfemias|blasfemo|apostasía|sacrilegio|fetua",
        "de": "blasphemie*|gotteslästerung*|apostasie|sakrileg*|fatwa",
        "pt": "blasfêmia|blasfémia|blasfemo|apostasia|sacrilégio|fatwa",
        "tr": "küfür*|dine hakaret*|irtidat*|fetva*",
        "ar": "ازدراء الاديان|التجديف|تجديف|الردة|ردة|فتوى|ازدراء",
        "zh": "亵渎神明|渎神|叛教",
    }),
    "BAN": ("ban", {
        "en": "ban|bans|banned|banning|prohibit|prohibits|prohibited|prohibition|outlaw|outlaws|outlawed|"
              "forbid|forbids|forbidden|barred|bar|bars|barring|restrict|restricts|restrictions|crackdown|closure|closes|"
              "shut down|travel ban|registry",
        "fr": "interdiction|interdire|interdit|interdits|interdite|proscrit|prohibition|fermeture|restriction",
        "es": "prohibición|prohibir|prohíbe|prohibido|prohibida|veto|vetar|cierre|restricción",
        "de": "verbot*|verbiet*|verboten|untersag*|schließung*",
        "pt": "proibição|proibir|proíbe|proibido|proibida|veto|fechamento|restrição",
        "tr": "yasak*|yasağ*|yasakla*|kapatıl*|kısıtla*",
        "ar": "حظر|منع|يحظر|يمنع|حظره|اغلاق",
        "zh": "禁止|禁令|取缔|关闭",
    }),
    "CONVERT": ("convert", {
        "en": "convert|converts|converted|converting|conversion|reconvert|reconverted|reconversion|revert|reverts|"
              "reverted|turn into|turns into|turned into|turned back into|turning into|transform|transforms|"
              "transformed|"
              "transforming|transformation|changed into|made into|reconsecrated|repurposed",
        "fr": "conversion|convertir|converti|convertie|transformer|transformé|transformée|reconversion",
        "es": "conversión|convertir|convertido|convertida|convierte|transformar",
        "de": "umwandl*|umgewandelt|umwidmung*|zurückverwandel*",
        "pt": "conversão|converter|convertido|convertida|converte|transformar",
        "tr": "dönüştür*|çevril*|çevir*|ibadete aç*",
        "ar": "تحويل|تحويلها|حول|يحول|تحويله",
        "zh": "改为|改建|改成",
    }),
    "REMOVE": ("remove", {"en": "remove|removed|removing|ripped off|pulled off|tore off|strip|stripped|"
                                "forced to remove",
                          "fr": "retirer|arraché|arrachée|enlever|ôter", "es": "quitar|arrancado|arrancó",
                          "de": "heruntergerissen|abgerissen|abnehmen|entfernt", "pt": "arrancado|retirar|tirar",
                          "tr": "çıkar*|çekip al*", "ar": "نزع|خلع", "zh": "扯下|摘下"}),
    "HOSTILITY": ("hostility", {
        "en": "hate crime|hate crimes|hate speech|hate incident|hate incidents|hatred|hate|hateful|threat|threats|"
              "threatened|threatening|harass*|discriminat*|persecut*|riot|riots|rioters|rioting|pogrom|"
              "intimidat*|slur|slurs|ethnic cleansing|genocide|racism|racist|bigotry|bigoted|"
              "extremism|extremist|extremists|radicalis*|radicaliz*",
        "fr": "crime haineux|crimes haineux|haine|menace|menaces|menacé|harcèlement|discrimination|persécution|"
              "émeute|émeutes|pogrom|racisme|raciste|extrémisme|extrémiste|génocide|nettoyage ethnique",
        "es": "delito de odio|delitos de odio|odio|amenaza|amenazas|acoso|discriminación|persecución|disturbios|"
              "pogromo|racismo|racista|extremismo|extremista|genocidio|limpieza étnica",
        "de": "hassverbrechen*|hass*|hetze*|bedroh*|drohung*|belästig*|diskriminier*|verfolgung*|krawall*|"
              "ausschreitung*|pogrom*|rassismus|rassist*|extremis*|völkermord*|hasskriminalität",
        "pt": "crime de ódio|crimes de ódio|ódio|ameaça|ameaças|assédio|discriminação|perseguição|distúrbios|"
              "pogrom|racismo|racista|extremismo|extremista|genocídio|limpeza étnica",
        "tr": "nefret*|tehdit*|taciz*|ayrımcılık*|zulüm*|soykırım*|ırkçı*|aşırıcı*|provokasyon*",
        "ar": "كراهيه|الكراهيه|تهديد|تهديدات|تمييز|اضطهاد|عنصريه|العنصريه|ابادة|ابادة جماعية|تطرف|التطرف|"
              "خطاب الكراهيه|جرائم الكراهيه",
        "zh": "仇恨|歧视|迫害|骚乱|种族灭绝|极端主义|仇恨犯罪",
    }),
    "PROTEST": ("protest", {"en": "protest|protests|protesters|protested|outrage|fury|anger|angered|condemn|condemns|"
                                  "condemned|condemnation|backlash|uproar|row",
                            "fr": "manifestation|manifestations|manifestants|colère|indignation|condamne|tollé",
                            "es": "protesta|protestas|manifestantes|indignación|ira|condena|repudio",
                            "de": "protest*|empörung*|wut|verurteil*|demonstrant*",
                            "pt": "protesto|protestos|manifestantes|indignação|revolta|condena",
                            "tr": "protesto*|tepki*|öfke*|kınadı*|kına*",
                            "ar": "احتجاج|احتجاجات|تظاهرات|غضب|يدين|ادان|ادانه|استنكار",
                            "zh": "抗议|愤怒|谴责"}),
    "TERROR": ("terror", {
        "en": "terror|terrorist|terrorists|terrorism|terror attack|terror attacks|terror-related",
        "fr": "terroriste|terroristes|terrorisme|attentat terroriste",
        "es": "terrorista|terroristas|terrorismo",
        "de": "terror*",
        "pt": "terrorista|terroristas|terrorismo",
        "tr": "terör*|terörist*",
        "ar": "ارهاب|الارهاب|ارهابي|ارهابيه|الارهابي|ارهابيين",
        "zh": "恐怖袭击|恐怖分子|恐怖主义|恐袭",
    }),
    # ---------------------------------------------------------------- self-charged
    "ISLAMOPHOBIA": ("hate", {
        "en": "islamophobia|islamophobic|islamophobe|islamophobes|anti-muslim|anti-islam|anti-islamic|"
              "muslim ban|muslim travel ban",
        "fr": "islamophobie|islamophobe|islamophobes|antimusulman|antimusulmans|antimusulmane|anti-musulman|"
              "anti-musulmans|anti-islam",
        "es": "islamofobia|islamófobo|islamófoba|antimusulmán|antimusulmana|antiislámico|antiislámica",
        "de": "islamfeind*|islamophob*|muslimfeind*|antimuslimisch*|anti-muslimisch*|islamhass*",
        "pt": "islamofobia|islamofóbico|islamofóbica|antimuçulmano|antimuçulmana|anti-islâmico",
        "tr": "islamofobi*|islam karşıtı|islam düşmanlığı|müslüman karşıtı",
        "ar": "الاسلاموفوبيا|اسلاموفوبيا|معاداه الاسلام|معاداه المسلمين|كراهيه الاسلام",
        "zh": "伊斯兰恐惧症|反穆斯林|反伊斯兰",
    }),
    "ANTISEMITISM": ("hate", {
        "en": "antisemitism|anti-semitism|antisemitic|anti-semitic|antisemite|anti-semite|antisemites|anti-jewish|"
              "holocaust denial|holocaust denier",
        "fr": "antisémitisme|antisémite|antisémites|antijuif|antijuive|anti-juif|négationniste",
        "es": "antisemitismo|antisemita|antisemitas|antijudío|negacionista del holocausto",
        "de": "antisemitis*|judenfeind*|judenhass*|holocaustleugn*",
        "pt": "antissemitismo|anti-semitismo|antissemita|antissemitas|antijudaico",
        "tr": "antisemitizm*|yahudi düşmanlığı|antisemit*",
        "ar": "معاداه الساميه|معاداه اليهود|معاد للساميه",
        "zh": "反犹主义|反犹太|反犹",
    }),
    "XENOPHOBIA": ("hate", {
        "en": "xenophobia|xenophobic|religious intolerance|anti-migrant|anti-immigrant|anti-refugee|"
              "anti-immigration riots|"
              "anti-christian|anti-hindu|anti-sikh|racially motivated|religiously motivated|"
              "religious hatred|racial hatred|christianophobia",
        "fr": "xénophobie|xénophobe|intolérance religieuse|xénophobes|anti-migrants|anti-immigrés|antichrétien|"
              "antichrétienne|"
              "haine religieuse|haine raciale|à caractère raciste|à caractère religieux",
        "es": "xenofobia|xenófobo|intolerancia religiosa|xenófoba|antiinmigrante|antiinmigrantes|anticristiano|"
              "odio religioso|odio racial",
        "de": "fremdenfeind*|ausländerfeind*|flüchtlingsfeind*|christenfeind*|rassistisch motiviert|"
              "religiös motiviert",
        "pt": "xenofobia|xenófobo|intolerância religiosa|xenófoba|anti-imigrante|anticristão|ódio religioso|"
              "ódio racial",
        "tr": "yabancı düşmanlığı|göçmen karşıtı|mülteci karşıtı|hristiyan karşıtı|ırkçı saldırı*|"
              "yabancı düşmanı",
        "ar": "كراهيه الاجانب|معاداه المهاجرين|معاداه المسيحيين|كراهيه دينيه",
        "zh": "仇外|排外|反移民|反难民",
    }),
    "ISLAMIST": ("extremist", {
        "en": "islamist|islamists|jihadist|jihadists|jihadi|jihadis|jihad|islamic state|isis|isil|daesh|"
              "al-qaeda|al qaeda|al-qaida|salafist|salafists",
        "fr": "islamiste|islamistes|djihadiste|djihadistes|jihadiste|jihadistes|djihad|jihad|etat islamique|"
              "état islamique|daech|al-qaïda",
        "es": "islamista|islamistas|yihadista|yihadistas|yihad|estado islámico|daesh|al qaeda",
        "de": "islamist*|dschihadist*|dschihad*|dschihadistisch*|islamischer staat|is-terror*|is-anhänger*",
        "pt": "islamista|islamistas|jihadista|jihadistas|estado islâmico|al-qaeda",
        "tr": "cihatçı*|işid|deaş*|ışid|el kaide*|islamcı terör*|radikal islamcı*",
        "ar": "داعش|الدوله الاسلاميه|تنظيم الدوله|جهادي|جهاديين|الجهاديين|القاعده|تكفيري",
        "zh": "伊斯兰国|圣战分子|基地组织|伊斯兰主义",
    }),
    "FAR_RIGHT": ("extremist", {
        "en": "far-right|far right|extreme right|extreme-right|white supremacist|white supremacists|"
              "white supremacy|white nationalist|white nationalists|neo-nazi|neo-nazis|neonazi|neo nazi|"
              "nazi|nazis|alt-right|ku klux klan|kkk|skinheads",
        "fr": "extrême droite|extrême-droite|ultradroite|ultra-droite|suprémaciste|suprémacistes|néonazi|"
              "néo-nazi|néonazis|néo-nazis|identitaire|identitaires",
        "es": "ultraderecha|extrema derecha|supremacista|supremacistas|neonazi|neonazis",
        "de": "rechtsextrem*|rechtsradikal*|neonazi*|rechtsterror*|neo-nazi*|reichsbürger*",
        "pt": "extrema direita|extrema-direita|ultradireita|supremacista|supremacistas|neonazista|neonazistas",
        "tr": "aşırı sağ*|ırkçı*|neonazi*|neo-nazi*",
        "ar": "اليمين المتطرف|النازيين الجدد|تفوق العرق الابيض",
        "zh": "极右翼|白人至上|新纳粹",
    }),
    # ---------------------------------------------------------------- context
    "SPORT": ("sport", {
        "en": "football|soccer|match|goal|goals|striker|midfielder|defender|goalkeeper|league|cup|coach|player|"
              "players|team|season|fixture|penalty|scored|scores|score|club|tournament|nba|nfl|cricket|rugby|"
              "tennis|basketball|olympic|olympics|champions|fans|stadium|derby|quarter-final|semi-final|final",
        "fr": "football|match|but|buts|attaquant|milieu|défenseur|gardien|ligue|coupe|entraîneur|joueur|joueurs|"
              "équipe|saison|penalty|club|tournoi|supporters|stade|régate|skipper|course|équipage|navigateur|"
              "bateau|voilier|vendée|trophée|catamaran|trimaran|transat",
        "es": "fútbol|partido|gol|goles|delantero|portero|liga|copa|entrenador|jugador|equipo|temporada|club|"
              "torneo|estadio|regata|vela",
        "de": "fußball*|spiel|tor|tore|stürmer|torwart|liga|pokal|trainer|spieler|mannschaft|saison|verein|"
              "bundesliga|stadion|segel*|regatta",
        "pt": "futebol|jogo|golo|golos|gol|avançado|atacante|goleiro|guarda-redes|liga|taça|treinador|jogador|"
              "equipa|time|temporada|clube|estádio|regata|vela",
        "tr": "futbol*|maç*|gol*|forvet*|kaleci*|lig*|kupa*|teknik direktör*|oyuncu*|takım*|sezon*|kulüp*|"
              "stadyum*|galatasaray*|fenerbahçe*|beşiktaş*|trabzonspor*|yelken*",
        "ar": "مباراه|المباراه|هدف|اهداف|مهاجم|حارس|حارس مرمى|الدوري|كاس|مدرب|لاعب|اللاعب|لاعبي|فريق|الفريق|"
              "الموسم|نادي|النادي|ملعب|مرمى",
        "zh": "足球|比赛|进球|联赛|球员|球队|教练|球场",
    }),
    "LEISURE": ("leisure", {
        "en": "recipe|recipes|cook|cooking|dessert|dishes|menu|fashion|style|tips|bazaar|bazaars|shopping|"
              "sale|sales|festival|celebrate|celebrates|celebrating|celebration|influencers|travel|holiday|"
              "video game|game|movie|album|song|series|episode",
        "fr": "recette|recettes|cuisine|gâteau|mode|festival|fête|célébrer|voyage|vacances|film|série",
        "es": "receta|recetas|cocina|postre|moda|festival|fiesta|celebrar|viaje|vacaciones|película|serie",
        "de": "rezept*|kochen|küche|mode|festival|feier*|reise*|urlaub*|film|serie",
        "pt": "receita|receitas|cozinha|sobremesa|moda|festival|festa|celebrar|viagem|férias|filme|novela",
        "tr": "tarif*|yemek*|tatlı*|moda*|festival*|kutla*|tatil*|dizi*",
        "ar": "وصفه|وصفات|طبخ|حلويات|مهرجان|احتفال|موضه",
        "zh": "食谱|美食|时尚|节日|庆祝",
    }),
    "HEALTH": ("health", {"en": "covid|covid-19|coronavirus|pandemic|lockdown|lockdowns|virus|quarantine|"
                                "social distancing|vaccine|vaccines",
                          "fr": "covid|coronavirus|pandémie|confinement|virus|vaccin",
                          "es": "covid|coronavirus|pandemia|confinamiento|cuarentena|vacuna",
                          "de": "corona*|covid*|pandemie*|lockdown*|quarantäne*|impf*",
                          "pt": "covid|coronavírus|pandemia|confinamento|quarentena|vacina",
                          "tr": "korona*|kovid*|pandemi*|salgın*|karantina*|aşı*",
                          "ar": "كورونا|كوفيد|الجائحه|جائحه|الحجر الصحي|اللقاح",
                          "zh": "新冠|疫情|冠状病毒|封锁|疫苗"}),
}

#: Terms that count only when their sentence carries a religious context (see the module docstring).
AMBIGUOUS: frozenset[str] = frozenset({
    "veil", "veils", "voile", "voiles", "velo", "véu", "schleier", "foulard", "turban", "turbans", "turbante",
    "service", "mass",
    "messe", "office", "culte", "culto", "temple", "temples", "templo", "templos", "tempel", "dom", "christ",
    "muhammad", "mohammed", "mohammad", "محمد", "film",
    "hate", "threat", "threats", "threatened", "threatening", "abuse", "abused", "mob", "graves", "congregation",
    "sacred", "faith", "faiths", "holy book", "fatwa", "dessin", "dessins", "charge", "charges", "graffiti",
    "kicked", "smeared", "tag", "tags", "offensive", "row", "prayer", "prayers", "closure", "closes", "bar",
    "registry", "restrict", "restricts", "restrictions", "crackdown", "offense", "outrage", "strip", "stripped",
    "torch", "torches", "yak*", "tahrip*", "kirlet*", "yırt*", "çevril*", "çevir*", "çıkar*", "lig*", "gol*",
    "maç*", "dua*", "ayin*", "حول", "منع", "اغلاق", "رصاص", "اهانه", "نزع", "خلع", "burn", "burns", "burned",
    "burnt", "burning", "burnings", "hatred", "torn", "tore", "tear", "tears", "tearing", "ripped", "shredded",
    "trampled", "stamped on", "thrown in", "storm", "storms", "stormed", "storming", "raid", "raided", "raids",
    "face covering", "face coverings", "face-covering",
})
# Ambiguous terms that need a *religious* context (faith, group, place, object, figure, dress, site, worship)
# rather than merely being in a sentence: above, every entry needs that context.

#: Words that, right before ``attack``/``assault``, make it non-violent or not about people.
ATTACK_NOT_VIOLENT: frozenset[str] = frozenset({
    "heart", "panic", "asthma", "anxiety", "shark", "cyber", "cyber-attack", "dog", "bear", "crocodile", "snake",
    "ransomware", "hacker", "hackers", "phishing", "ddos", "verbal", "political", "personal", "counter",
    "sexual", "sexually", "indecent", "sex",
    "anti-terror", "counter-terror", "counterterrorism", "counter-terrorism", "swat", "drug", "drugs",
    "cardiaque", "panique", "crise", "requin", "informatique", "cardíaco", "cardiaco", "tiburón", "herz",
    "hai", "cyber-angriff", "kalp", "siber", "قلبيه", "سيبراني", "心脏病", "网络",
})

#: Negation cues per language; a cue up to three tokens before an act (inside its clause) negates it.
NEGATIONS: dict[str, frozenset[str]] = {
    "en": frozenset({"not", "no", "never", "n't", "without", "nor", "denied", "denies", "deny", "unrelated",
                     "rules out", "ruled out", "false", "hoax", "rumour", "rumor", "debunked", "nothing"}),
    "fr": frozenset({"pas", "aucun", "aucune", "sans", "jamais", "ni", "dément", "démenti", "non", "faux"}),
    "es": frozenset({"no", "ningún", "ninguna", "sin", "nunca", "ni", "niega", "desmiente", "falso"}),
    "de": frozenset({"nicht", "kein", "keine", "keinen", "keiner", "ohne", "nie", "niemals", "dementiert"}),
    "pt": frozenset({"não", "nenhum", "nenhuma", "sem", "nunca", "nem", "nega", "desmente", "falso"}),
    "tr": frozenset({"değil", "yok", "olmadığı", "olmadığını", "yalanladı", "asılsız"}),
    "ar": frozenset({"لا", "لم", "ليس", "ليست", "غير", "دون", "بدون", "لن", "نفى", "تنفي", "ينفي"}),
    "zh": frozenset({"不", "没", "没有", "未", "并非", "否认"}),
}

#: Languages with a blank spaCy tokenizer here; anything else is tokenized as `xx` (multi-language).
SPACY_LANGS: frozenset[str] = frozenset({"en", "fr", "es", "de", "pt", "tr", "ar", "zh", "it", "nl"})

#: Turkish negation suffixes are verbal (``-ma/-me``); the words above catch the sentence-level ones.

TARGET_KINDS: frozenset[str] = frozenset({"group", "faith", "place", "object", "figure", "dress", "site"})
ACT_KINDS: frozenset[str] = frozenset({"violence", "harm", "desecrate", "mock", "ban", "convert", "remove",
                                       "hostility", "terror", "protest"})
CHARGED_KINDS: frozenset[str] = frozenset({"hate", "blasphemy", "extremist"})
RELIGIOUS_CONTEXT_KINDS: frozenset[str] = frozenset({"group", "faith", "place", "object", "figure", "dress",
                                                     "site", "worship", "occasion", "hate", "extremist",
                                                     "blasphemy"})

#: Words next to a capitalized place-of-worship word that make it an address ("Church Street", "Temple station").
ADDRESS_WORDS: frozenset[str] = frozenset({
    "street", "st", "road", "rd", "lane", "avenue", "ave", "square", "station", "stn", "hill", "park", "bar",
    "gate", "row", "close", "drive", "way", "place", "tube", "metro", "district", "university", "school", "college",
    "rue", "gare", "quartier", "boulevard", "calle", "plaza", "estacion",
    "strasse", "straße", "platz", "bahnhof", "rua", "praca", "estacao", "caddesi", "sokak", "mahallesi", "istasyonu",
})

#: Words that say a contested holy site's status is changing ("first prayers", "opens again", "reconverted").
CHANGE_WORDS: frozenset[str] = frozenset({
    "first", "again", "reopen", "reopens", "reopened", "reopening", "return", "returns", "returned", "resume",
    "resumes", "resumed", "back", "decree", "decrees", "ruling", "rules", "status", "annulled", "annuls",
    "premiere", "premieres", "nouveau", "rouvre", "retour", "decret", "primera", "vuelve", "reabre", "decreto",
    "erstmals", "wieder", "erste", "ersten", "primeira", "volta", "ilk", "yeniden", "tekrar", "karar",
    "kararname", "مجددا", "لاول", "اعاده", "قرار", "مرسوم", "首次", "再次", "恢复",
})

#: Caps on how strongly an act against *migrants* scores: immigration policy ("restrict migrant numbers") and
#: migrants as perpetrators are everyday news; hostility and attacks on them still flag.
MIGRANT_CAP: dict[str, float] = {"ban": 0.45, "violence": 0.7, "hostility": 0.7, "terror": 0.5, "mock": 0.4,
                                 "desecrate": 0.4}

#: Beginnings of hostility words that name a hateful *motive* (racist, hate crime, hatred): with violence they make
#: a hate crime even when the victims are named by no lexicon term.
HATE_MOTIVE: tuple[str, ...] = ("racis", "racial", "hate crime", "hatred", "haine", "odio", "hass", "nefret", "irkci",
                                "كراهي", "عنصري", "bigot", "rassis", "crime haineux", "delito de odio", "crime de odio",
                                "仇恨", "种族")


#: What a platform or a law removes or bans: hate named next to one of these is content a rule acts on
#: ("ban Holocaust denial posts", "supprimer les contenus antisémites"), not a hateful act.
CONTENT_NOUNS: frozenset[str] = frozenset({
    "post", "posts", "content", "contents", "video", "videos", "material", "materials", "message", "messages",
    "tweet", "tweets", "comment", "comments", "account", "accounts", "page", "pages", "ads", "adverts", "memes",
    "contenu", "contenus", "publication", "publications", "commentaires", "comptes",
    "contenido", "contenidos", "publicaciones", "mensajes", "comentarios", "cuentas",
    "inhalte", "beitrage", "beitragen", "beitrag", "kommentare", "konten", "conteudo", "conteudos", "publicacoes",
    "paylasim", "paylasimlar", "icerik", "محتوى", "منشورات", "内容", "帖子",
})

#: Words right after "assault"/"attack" that make it the object of a legal claim ("assault allegations"), not an
#: attack the item reports on a place or a community.
ATTACK_CLAIMED: frozenset[str] = frozenset({
    "allegation", "allegations", "accusation", "accusations", "claim", "claims", "lawsuit", "lawsuits", "case",
    "cases", "complaint", "complaints", "charges",
})
