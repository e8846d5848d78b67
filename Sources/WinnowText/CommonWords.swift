/// Words too common to tell two comments apart: function words of the languages Winnow's lists
/// cover, and the generic vocabulary of chat (greetings, praise, laughter). Sketches leave them
/// out (`Fingerprint`), so that two different comments do not look alike for sharing "the" and
/// "is", and a crowd writing "happy new year everyone" is not a campaign.
///
/// Kept as hashes of their skeletons — the form and the hash the sketch gives a word — in a
/// small open-addressing table (16 KiB: it stays in cache).
enum CommonWords {
    static let english = """
        a an the and or but if then so than as of at by for from in into on onto to up down out over under with without \
        about after before again also very too just only still even ever never not no nor yes yeah yep ok okay \
        i me my mine myself you your yours yourself he him his she her hers it its itself we us our ours they them their \
        theirs this that these those there here where when what which who whom whose why how all any both each every \
        few more most other some such own same can could will would shall should may might must do does did done doing \
        be been being am is are was were have has had having get got gets getting go goes going gone went make made \
        im ive id ill youre youve theyre thats dont doesnt didnt cant wont isnt arent wasnt werent hasnt havent \
        s t d m ll re ve o u ur r y n \
        one two first last now today really much many well back way like love loved loves lol lmao lmfao rofl haha \
        hahaha hehe omg wow oh ah hey hi hello thanks thank thx pls please nice good great best better cool awesome \
        amazing beautiful cute funny song songs video videos music watch watching listen listening everyone guys \
        people new happy year day night time always still thing things lot lots sure know think see say said
        """
    static let french = """
        le la les un une des du de d l et ou mais donc car ni que qui quoi dont ou ce cet cette ces mon ma mes ton ta \
        tes son sa ses notre nos votre vos leur leurs je tu il elle on nous vous ils elles me te se moi toi lui eux \
        en y au aux avec sans pour par sur sous dans chez entre vers pas ne plus tres trop bien est sont suis es \
        etait ai as a avons avez ont c j qu n s t oui non merci salut bonjour bravo super trop genial
        """
    static let russian = """
        и в во не на я быть он с со что а по это она этот к но они мы как из у который то за свой весь год от \
        так о для ты же все вы мне меня его её ее их нас вас вам им ему ей тебе тебя бы ли или уже еще ещё да нет \
        вот там тут где когда если чтобы при до после без над под про через очень просто спасибо привет всем
        """
    static let spanishGermanPortuguese = """
        el los las unos unas y o pero que de del al en con por para sin sobre es son esta este estos muy mas gracias \
        hola der die das ein eine einen und oder aber nicht ist sind ich du er sie wir ihr mit von zu auf fur im \
        danke hallo os um uma e nao sim com por para muito obrigado ola
        """

    /// The table: 2,048 slots, each a word hash or 0 (empty).
    private static let table: [UInt64] = {
        var table = [UInt64](repeating: 0, count: slots)
        let normalizer = Normalizer()
        for list in [english, french, russian, spanishGermanPortuguese] {
            for word in list.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\\" }) {
                let skeleton = normalizer.normalize(String(word)).skeleton
                for hash in skeleton.withBytes(Fingerprint.wordHashes) where hash != 0 {
                    var k = Int(truncatingIfNeeded: hash) & (slots - 1)
                    while table[k] != 0 && table[k] != hash { k = (k + 1) & (slots - 1) }
                    table[k] = hash
                }
            }
        }
        return table
    }()

    private static let slots = 2048

    /// Whether the word with this hash (`Fingerprint`'s hash of its skeleton) is common.
    @inline(__always)
    static func contains(_ hash: UInt64) -> Bool {
        table.withUnsafeBufferPointer { table in
            var k = Int(truncatingIfNeeded: hash) & (slots - 1)
            while true {
                let entry = table[k]
                if entry == hash { return true }
                if entry == 0 { return false }
                k = (k + 1) & (slots - 1)
            }
        }
    }
}
