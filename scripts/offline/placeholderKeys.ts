/**
 * Placeholder RSA key pairs for the offline plan. A fresh RSA-2048 key costs two 1024-bit primes
 * (~60 ms of CPU); the plan only needs keys that look and parse like the real ones and have
 * distinct kids, never keys anyone uses. So every pair of primes from a pool makes one key: k
 * primes give k(k-1)/2 distinct, well-formed keys (2048 bits, e = 65537, n, d, p, q, dp, dq, qi
 * consistent). The pool is PLACEHOLDER_PRIMES, published here on purpose (1128 keys at the cost of
 * a modular inverse each). A key belongs to its resource's name, not to when it was asked for: a
 * hash of the name picks the pair, so adding a client does not change another client's kid (unless
 * their names pick the same pair, when the later one takes the next free pair). Past the pool it
 * draws fresh primes. Keys made of public or shared primes are worthless as secrets: they never
 * leave the offline plan, which labels their kids as placeholders.
 */
import { createHash, createPrivateKey, generatePrime, KeyObject } from "node:crypto";

const E = 65537n;
const PRIME_BITS = 1024;
/** 1024-bit primes >= PRIME_FLOOR with gcd(65537, p - 1) = 1; tests/placeholderKeys.test.ts checks them. */
export const PLACEHOLDER_PRIMES: readonly bigint[] = [
    0xfc39291fcb06fbe0fbae3d9a856755bd927f0a74e38081bc55ff273370b9c81dedefb7daa5636dd087ae2989894bb837df950c30efa48d99a4cebc10d02cb2de791289d80cbdb5d76b98335cd85fec4dcaee2bf39dae3ad0de2fe789a2c178b29506efccf5f5ff2087c8f5572bc903ec7416582746aa9c2418364bf54a176035n,
    0xdbce36ffe38b1d63fdc62bdb8cc9027548b09b159bd2dbb5e16c77763a7ac7b478272802016088c122ad79ca11b4af06a3736a51eea717e5aa68c83cb6ea620dcb7b86a2b93a6ff7a349c9ed4da091ff30f8c04eeb99c82f529f0cc1dd7e3fd909e009d25b81dd52e00f48bb29347be3072958e64f38690b312514245d731859n,
    0xc7935b77e895d1addb71fd2eb1f33631779159cb0d5f19a2e1df2c93c2a9830189881500f2fe982353870601c43cec35a2a87aee690bcd7732a3a41753027b02682815a6468871ab693c3721bb4fc19f78efae53e027be77eb0ad5d36acdab274393f5a987fee4f245924ffa1c27b289cebdc909fe4530f7f8af35deffeb91cdn,
    0xd30ca60e9f20d63210968e8a45236f1b1d3c6e6039502af2b8c857ea316c0b635aed4d9f18cc9c5b99bd7b6268924311427fa0b5b4606bfcb5d22f63dd4016652a7b56695033cd7b7b381b813af8f087e1001858decee290324c00f634fcc3592c88c4b52654ddf2c91f2fda47a4525f74b5331cb51b5ed3626b7131d96204f1n,
    0xe2273f5717fbd322d10ede402ed9f629420dc3c35879f4b16b4e30c0af50fffd8f6cfb5a9a0bb0c44a40780fb9e0f80c7ab70e17d16972338c7b0954c7695f4ded3b096614fceb2c058885400d20ee926ee2a2d5be54dcfb00113ba50966d4b3d359ab486901142de28058c41749a310a74020ab9b524be0d6e72b2def4ec48dn,
    0xcf06c3ba61199eb5a5cb9888c79ca32d6f7f0acdd4f389139bd279888b4a621fab3695690781b00c1287bd8d874dd3b8ca81c4eca9654e66ec09d28294982a55ab529acc298691cbae50d6ac665de19080c2568acf0143cceb7f6a5dc88b3ad95b2ae27b3afc45e3d723927ff31c21d98a87364db9b992ef2d5d7f555dbd4f31n,
    0xcc5f9231f9b7d78bb71cb159b44f9c20aa036e7bc565999de3756f0afc29adac61bbae7348d6e1a2f20a5e96c1b3afa68523a3a02c47dd649d2e9b5f7ccc8fe9735947c839cfe8182d231786ec845e9dfea0457d0ee841540836ce052bc9a52cf53232f02a4adc2dbfee85449bc1332d5396586ff83d53bb709378eea0490b4bn,
    0xcdf21ecd737e6016aaf79c689ed6a022134cde749a007796f6a28a470b26827809d99e0ba3f117154c1c5375a2426a78a0687ef9b739722ceeaa1aef26d91f0d962569e561ff33d4e6b38342608258795e800828ec6520040d8e56e0e8ee39b47e94f21977074a01200a5a72cb9f4e511f1435f0aa792e069430135e5df6523fn,
    0xfec98799ad1842d4ca998d8fd8bfd811df07582333d4bec03001889ef0975217ebb9b2bd6a04d7c930dfb16005eeb89e1a2b8f41501d0c04a8c550b7931119a5e29917d7cabc1e1ab26d3a056d443f19db8ebe08a089e1561f9c3dc0b747d2df0bc6842c25e8a3a5f4eea043539a1c4b2b57119770e16c260f39f71fe3d9c169n,
    0xe5c37c01c3408d08cc7cccf0545023644f9d90b488c76db1abbad772410fe4d7595659b2140d27edb52e172c8930455d0ced95a4ea737982f3736762c0d8cc5fb61b4d2607f8493d417c90a918ce0198cd6ce6d294c2eef40e81c361cab47da9e2f909286d1fa54d374a489aa8ab1c8a63473947acbbabd2462f9ef2623367b3n,
    0xcb86a269e03d3975bc9c296a09c5879dabca7e7812e8666644a3c0dc13521977814fc91beeb895af55f6706e7bdba073b6a7d66f98f7d2825a368c1afd69181883bb171b1b9fb1a50af6e21102586f64c91b73ce8a777e6ecb7dda32e75f269545853b34da7d7846621413b18cdb6cd8c971e2fa9390042587784f9c02137debn,
    0xe64dfa3b33d6e59fadf9bbf5d0536fd4a622fad6da45c5d4da4b3e9f08c3efce9187ac5ff029aed61b7e11b65091030a935c4c75bd0da0c5a539638e4749bdf710d6949d83c1abef62d05e4ece8c064623d90473e3edaa4a1acaca4d497797442c3f1735a96e85df97135a5918352d325d82756a0662f2d7a32f05c60bd9bf2bn,
    0xe36592d45597a2f86cb6ec1648b687bfad082ad1f4ed65dde53ad57c8c525e3f576a6abb4220f6a312e68eb64a008b75abd231b91045c46fe4c00b80fc1a8cb68e81bde327e384fd4320a9b062995c8ebe26e871fba33996b852359e3796e59f8652a47d81a58591c6fb0808773a72ada2609e0f5414851bcf5cfa23a92040abn,
    0xea7bf621ecc4e7a2bc809eb9aee600643f34c72a49a0196aa4c481bb4c10c9f1adfb83bf248457f4d18e1705231f77b6b1359969e184f976b5e5d2a218ec6e3fd618a66cd400a8952185cdee88ebf9f887225570dc51cf1399e27ce07b741649bd2f2dbcee3755853150066f260e29fe9ea9e03c6145cac61afb2f91d1fb5631n,
    0xcb77ab3d10c38141742d1d5ccc7134e89c1d8020808be3306cc6e45ef2e52bfffbe1d4df887c04ec76cac3d1bffe6fe18659948d4b548414dac4b06da2173091cd3ee9b8f441cfaf70f0cf52a605c2811fa8be489d48464438098a20fcfced99a65a332548a4a43d21fb315020976a61da6d8f2bd22db84b3ad9d096dd265789n,
    0xe6d75458720eb0cc978f03bb565bc5a77fb5586d1225a74b3f5fcf62b49d8d9bbb5a2b5ed850d26a6715fca76d2c7fbcd33abca12c9b22d0225b03849e61be83fbbb49f0d16d5b0f16a9a2c183641213cfea814dd3151595db3133e725540fc89964ee1c7876a385f801ff8c9dc405a1555e96f1954f15679ea67e053aa45289n,
    0xf39a4d8af3b0da043459a4a8ba9949d7925b1f9d60117c9179e63588152be1a179f7bb787c4be53eeb271f6c8e94ba3b323913170778aa4745b5a964d2780175f2c7c1ea7623f187482512694341953481f4e84c154cb1588284adc6da7c5b5aa7b41325c338298a7ae3363ef1f2d31d2b4554f729141e23ad11648b4e6fcaf1n,
    0xd852ef5c2b230ac178ab33bd637596041ba7cb7c5a48a918dee0b531dd90aa9d9402ea6ffead51262b8a06cfaa2139509381a2987956a8ebf21cefa6621b18c789c459d4524f6ad851c94b4d92883b0d5c6229a2c652156982795d38a0c3b2eea96879d1739bc73ed9fd1bac5ac26d39012b22c96dd0342ec31f8b105869d80bn,
    0xf46cf991e289fa0bd86bef141add676857c03398a7bb9225818f1fad3aee62bdc496f3889aa6e2f17b1f59ed6785e839036d83f61e6f76f31ec51d054e401bb4a64c659de8f6958b91249fc5d74e4a7f6fcc65a9b86b5b9412a3c25a30c8b7cc839d05164d5fe0ebd5df8cfac81d35ec0711c568d8909f2963ad355b8d3441ebn,
    0xc0a877e6cf2453aa90a13bdabc8cc73727eabd1306b51242bdbf0d8dc63f0f1776a2cda60d500ef06dfa2e7a8753485a9960f1904eb1d572f754594f92821653b95f8c34147cac889ea4daad08103612fb181183f6cf3ca4f03201aad03ed0d52d237ad7d53c88ceaf256525733927709ba2755af2ee415777e10cab1fab6bedn,
    0xdcc5c71eed7e289bfa5b59785fece78d894266bcfbc95a27c7de4c287196a8e1852305218238de0d4a04ff5c56a1f7b4855d87c5f3aceb16c4baf34f3d4a06f160f750df4ccc5c1de52f7730fc5a6233aeef40e40a1668b5c43f56f755b2b9a07935ead49977f39b13ce4546af72af7c203e244a6bcd9ce753d85b8ea40be3c9n,
    0xdbf7679226af0da4465b2860cf53b059be2b47fb710443c7bd4ef5ce7cf0461814132f61021c2aca1b2cbf302b7c6a5c9ee23625f0e8516b4e831518e4b60321bff0feb6bffcd9a385e21ca6f1332f3eaef76aa010f24444587193672e95d5088d447d2b4918e573aa3f97919b3bbe8f7a06e8ce73d250acb42cac7aac22b815n,
    0xc485146e995047ea24a9458e76347fe4e0ac8b02dfd1d6d9aecfa101d2170d8d18fec2c6fa46666dc75d43c14531382963071cfbc722d1eac28ca8429fca5bebabdcdbb01fa48c699243742dd01f599af00614b4708123cd09634d12e9fd25631ea1c2ae2e74e410646b441f6e1dd721a6584fe7c12f506a65da4337bfd34c45n,
    0xc6b712068427d738ea2b733fe2e997ce468d23be6f5b5c02c4998b0c5c0af8fdc5a4270629f748ccc4179cd8537c6c1d2a3f226e3defc34e7d9eebc5a31993e15aa02fe578860d23fff228b96b453317a4783f5c2bc5c35f6b252f69f3911d0d2e0ed2e4d810cde365e732f4f974ff0d0f2cc8b5ccc492ff4c4839b246476a5bn,
    0xee12894ea99661dd178bc9acb8086151d71b89d625d01ff136433ed16177a3938d2cfedb964d5c652e4402200fe9d839c3fbc1652d5eb919002489761a9e5efd08f77f9d10123243fcdbacd7dc05c2d34873c18a64e6ab294c9cb21f098eb13bcf444b0cec66b7922d753d0a626d2d3cd4b45c67f4a2a0a1289c67f5f5dd744bn,
    0xdc0cf1c1e076b62cddeaab8de34856866800e99a55178687c5df3176568268d4fb35bfa0e44ed51fd28244bb8ce8fd074bacc3a3ae5c0f60aa0c9eca241150faa554ecf18493375e6b4769de79b396651cde0ccbfd11c771c6751a95b5c7a80a233d5a7e72c429eb2f24b3b16cbd8c7accddcf5eeab1f70fc16554de82238e4fn,
    0xcf8c94d3a4236b35fbae120cf1aff977d41435a74d10a2c7ff8d7639b6af2e1b63e5628f8df335e8ab726f65bccd84a8af292cfff79fe718b8e2e3654a6937aee7332eae3d54c51b8423bebad1fb8cc938ad543f6a91e58c36041d77b50ff58a4a38a3d1e83096c17ccbb89f37b4116d7b5bc651be3fbdf96f128d266e8ff7f3n,
    0xd1a0e64f44eca2b27a9b9f220cfdfabce97d518c24f2d78b38dae9e064cc023e9bd829a9291310d922a020318171a3a231a5561617e82c74f975488464b40f0707c466ce992ae0b4d1d6911618ef2cd04a6a75ed80edad4c9d9d7ed6e3be31be3b13eda1216d462af2bcff69ec3e27e3a9d5d331c9fd8be293ab305d9718c1f1n,
    0xde0be39465c7fae6c73c7b083a327986ca9a8510e8dc3a6ac83a3c89e597e1fb202c873c5ec158e771f225a74fcd630bb00419a9a534dbb83103379302c3989709e28a95eb0bf58a9678ef74143298cae12f4345ec9c7976a9603c3f9c2d0567aa4095fa16c918c8a7af30d5e3ffac1e80b81f21873167a9399a0aa85a63617bn,
    0xf5ca0be8164d84a8f3e3ca4ae72584b15735da7a464d9808f184bff2a28cab03ff8e233cd2f7dab131d0cc4c8c7b9519ea517955e3f35b2a64ae5ffb8d1f8f60c5aa94e19877c52349303119d214057da70c7f7d0e532a69c20ccca64cafee2c554854b35bee08776e65b8b33ce23450e92d2e51cbea1bfb5a52c93a02812731n,
    0xc122b97fd4d83366d292bbde8c62f3ca8e900c8c682b5f4ceab55926d409890e2b0663951fc1fa2eabbda07d8a97ddc4335f7151f4982c10659bddd2851319f89e70ba95df2895102a08e107f0e2766e963163abd4df3bbe8218974d34c49d28b6ea109a6baf430123570235daacf2f6ac7c99cba100eac8ae55e793113d7923n,
    0xf3a21820b524a8cf496dbde811f4e1bbc1cea9c82c69ffb24f0a1c871483b2b859f6d58290dde736a775b9bbe3a28bafa9671c3f93cebbe38b57a789f154f3698bf68a1a711c751970a2f1fed11b7b567a2df0022d2d5cc937d9eea07b0b46220c26e23fd73905766474ec1bffb899aabf6ab3caf24f51374dc57087b1b3afcfn,
    0xe8708fdcd2e1ab385b46c2ea804f7439af07a539c53b6f645c3c497664ac5d1ab9ef1a58e209c4ebeaca40359a9809cbbda3bced9b0d184d8885dca9d4c996e107350eb178a62fc4a0dd789677454865245096ca5b11acc581d9582fb5322f7064810400e2fc84d5365f80016aa0e2ea171f1d998aa1191a5a1d8d88c5645647n,
    0xd6c3df2854ac4acffb12d5561c5c9499fe8101abbf2f411a2a6f8c10d92c6610748339ae3177204e81eb9356807f3817614e5f39be07fcddaabfc214155d0d5650ff2bdfd1ace92d7740adb78a1dd6b8d96c0c7088522781d98bbd8290fc3a48f84d7f0e47d5bd7f86f62eb7351114d01ab9743fa9682e5a8f4ede14cd52bb7fn,
    0xd4c9de1aa6ec0ea11545da4b882d8a0482fb19bf733bb43b1ab4fadb3e0cd091d26a61092f629d44f3efe620ec41af78ebfb1a4fa638976c6e39a4d979e5205275c42d9711d34c67843a9c13251bf4b35a2a5d9cff44f6a8178d3b45e8f201e40240cc6600b511a98c0362f919fb52b9ee90b6e677126002fc63c8d2632f2687n,
    0xe8dc0494aa89156ef7cf4a1768b41ba5de6d5238afb0596717574eb989668354928fb634e08f5d9c911e366fa895ac5e3c15805d9411027ddb7ffdc9dc4741582adc8068284111b57f82fa9f4a6cffb9f3642f353ccbd0e13c155b19aa7a7d74aae581e6fce23ee7d5eff7462215a45380e104b62fc05f427d9637d3effa25a9n,
    0xde1d5b83cc37d296e801a028227a02fb0ec7843c01789edeab3a5d746c455c6c0f757323951dee2a603a70d578452b24033a796ffe35d1d7d761d00fff3f12eb3c2c8f634eb3051811ce2b7456d837e6fc337f34c1dd8f622061d72b13db9c99d9e434868167a879352f85b8c7224b183adb37f35b901abd42bafc8cb98d1731n,
    0xc279af20c5453f179edd2ca697d58bd5093dc6d75154f89211f96e68088535c52250b1f35d51f1bf744bc319e3ad70422721a370fa2160715469a5951a39697db14d8feda9fdb500361886695049a76ec6e3a353a51ae45904b624b7bd628be9eb4640fbc8215c21d54ca1e9a8155810a8e052f818fc947b64c365b94e1538a7n,
    0xda8c64c5c5453f0e3186370b0c86acf7ffbcab125e63852292febfe1e3f5a45b1d2eca101b971dd2569ca8c5fd8babf78d802215f85f3c417f740ad07a7d9c8706e4659735d57e075129d257104d86ef0d054419cfe98070aef754833e7b8c4ad121d0ebdfb4a4fa196fb746e7d414693b79d8a3c6aeb97cd92cb5dcac42b3f3n,
    0xc532b4666924fdeb8df4dab2814d59c651f01dd5bf106a2634f1ea48eb6a0fcf738843934b3293e089a838dcf8f2e8296d1e21943dab9773bf7130ee7327cec398abab4954da948cecb076682c1e8d221201c1827b9857fd9ca95df1fe7bcf88a405ecc4d3a145b1c02e27b8835e10ff5029bd3dc34aaebb29a0c77bc9d2b7c3n,
    0xd394606072a26800bdd560aa9d870d733fc120c31510955250c2b3b334f36e79003c952e30afda8597c379d6be499dca8edd12e538c40cf2df613ed41bfe4ec8b861bc9cf3c97ef4eb777e1a90dd5b36d9571b8a1718d2f80fded3c8148e545b90be148cb770cbf474dee14cf0577496b87b021cfbce5fead979adfa85ecd43dn,
    0xf4593ca33b536f7e9c928f319a8bcef3c77d8edbb9dad99796b7695807110bd0a12d29a8bdc9531f6027a3404c95658b81cc11666da43ab3bd7f2dde48fedab02120afd83dc794d793f0ddbf9aaf44364fd6963f75dfb8cb99238447f9f62ecc3f5e8850b4ae4bf7d20a55ea47492a91d107fd7f5c1a519ade061758ee100b93n,
    0xc6d1b4ad6c60ac51a916ab36c7ccd7281544ff57f4aa888832846132058c497dbbaec7b015d82da9764b19c80203b3d446e81fce1c84cdc0aad30a059136f2e287cf306542c41c97e3efb6a8f75456f6c59f7b3d4c27755bcfadf4d2d93cb54401b550ad2a65ec537945c344ea8fd67adcf0c66ee36d758d0fae8ef6c67a40f3n,
    0xd7ac3d2a434f68c1129d00579678a28f177b86b2e19fd54c7f78478e763a4d53ac296b453b7003b742d02a471b786a70cfbfb7b6145190dcddb83bca20473b15d7f0396c97271e4f91b36a1f76f7268e445cffda097f69e364f7c353d3b244c68a0b7ff410dbe23fb5d9a5c39809ab27b93f6384c5bab247bd273952c8cfdfebn,
    0xff3d2a52a89c03c9ae4f13fd38c236abad88bf431e73c37025933a081dd12d3803afe153b928e229cec980b67d9839cdc20693a7b812d300da03c311b871d6431580137fa69949675b7ec1e86871296750873be14c5473766069d60a2322589b2d960ae4aba2b9b447d42211cf0133eb6e4c276ed4f38b7c3e416e3dbc7923fdn,
    0xf0d22f17de7f03f5889b152e682df22fbf2fb02d78ccb3900ccc0f591036140a0dc45debdb7eed64abad39df7f3245a3fa2d2a323abf56d45fcbfce9e05ed029f1b22cf3d45a6c158e90018f6f2c66c0e454de83988f6cecfaceb3d382e9eb0903665f7416a8542f503c22165e02ed7102bb94af6b34cdb1d53f18c4dfe31b2bn,
    0xf1f9a44a0c70cbf0894c1a07e4b0bd260b8872e21b0974255e41895a08889778d84ef90acd1a20caa8f141e9158ca4e8e41ba057e53a392756f820798d47a3cb0b7adf51617bfee2c4d94a5b09fcead39e859746da9312c2c5f5e740b3b2d2212fdf8961ffb03a47cba266d988cc39f408e7426e5446e77df2c1860b386e5e45n,
    0xeccaf7bd5a02f684fa84a5de773353677c2cbfcc2ede004b09a4c76cba13cd5a45222e83ddc4131f746e97dfd25cd93d76b0e3ef9dec3be4a4952981134a5829feb31d63f1875290e5f2642882f8ec9125c279dc14ecce6592cbcf1fcc3be24f9c20d7ee4b6eb29ec7e951dc85cedfa53d2d1cde4728eb5cbbc69c3bf65e56d3n,
];

/** Both primes at least sqrt(2) * 2^1023, so their product has exactly 2048 bits. */
const PRIME_FLOOR = 0xb505n << BigInt(PRIME_BITS - 16);

function randomPrime(bits: number): Promise<bigint> {
    return new Promise((resolve, reject) => generatePrime(bits, { bigint: true }, (err, p) => (err ? reject(err) : resolve(p))));
}

function gcd(a: bigint, b: bigint): bigint {
    while (b) [a, b] = [b, a % b];
    return a;
}

/** a^-1 mod m (extended Euclid); a and m coprime. */
function modInverse(a: bigint, m: bigint): bigint {
    let [r0, r1, s0, s1] = [((a % m) + m) % m, m, 1n, 0n];
    while (r1) {
        const q = r0 / r1;
        [r0, r1] = [r1, r0 - q * r1];
        [s0, s1] = [s1, s0 - q * s1];
    }
    return ((s0 % m) + m) % m;
}

function base64url(n: bigint): string {
    const hex = n.toString(16);
    return Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex").toString("base64url");
}

/** A 1024-bit prime p with p >= PRIME_FLOOR and gcd(e, p - 1) = 1. */
async function suitablePrime(): Promise<bigint> {
    for (;;) {
        const p = await randomPrime(PRIME_BITS);
        if (p >= PRIME_FLOOR && gcd(E, p - 1n) === 1n) return p;
    }
}

/** The RSA private key made of two distinct primes. */
export function rsaKeyFromPrimes(p: bigint, q: bigint): KeyObject {
    const n = p * q;
    // d from phi rather than lcm(p-1, q-1): as valid (e*d = 1 mod lambda too), one big gcd fewer.
    const phi = (p - 1n) * (q - 1n);
    const d = modInverse(E, phi);
    const qi = modInverse(q, p);
    const jwk = { kty: "RSA", n: base64url(n), e: base64url(E), d: base64url(d), p: base64url(p), q: base64url(q), dp: base64url(d % (p - 1n)), dq: base64url(d % (q - 1n)), qi: base64url(qi) };
    // A wrong inverse would show here, not as a bad signature three layers up.
    if (p === q || (d * E) % phi !== 1n || (qi * q) % p !== 1n) throw new Error("placeholder key is inconsistent");
    return createPrivateKey({ key: jwk, format: "jwk" });
}

/** Hands out distinct placeholder keys by resource name; one pool per process (or per mocks installation). */
export class PlaceholderKeyPool {
    private readonly primes: Promise<bigint>[] = PLACEHOLDER_PRIMES.map((p) => Promise.resolve(p));
    /** The pair each name was given, and the pairs given out. */
    private readonly byName = new Map<string, number>();
    private readonly taken = new Set<number>();
    /** Pairs of published primes: the keys that cost no prime search. */
    private static readonly PAIRS = (PLACEHOLDER_PRIMES.length * (PLACEHOLDER_PRIMES.length - 1)) / 2;

    /** Primes `a` and `b` (a > b) of the i-th pair: (1,0), (2,0), (2,1), (3,0), ... */
    private static pairOf(i: number): [number, number] {
        let a = 1;
        while ((a * (a + 1)) / 2 <= i) a++;
        return [a, i - (a * (a - 1)) / 2];
    }

    /** The pair `name` hashes to, or the next free one; past the published pool, the next new pair. */
    private pairFor(name: string): number {
        const known = this.byName.get(name);
        if (known !== undefined) return known;
        const start = createHash("sha256").update(name).digest().readUIntBE(0, 6) % PlaceholderKeyPool.PAIRS;
        let i = start;
        while (this.taken.has(i)) {
            i = i + 1 === PlaceholderKeyPool.PAIRS ? 0 : i + 1;
            if (i === start) {
                i = PlaceholderKeyPool.PAIRS;
                while (this.taken.has(i)) i++;
                break;
            }
        }
        this.taken.add(i);
        this.byName.set(name, i);
        return i;
    }

    private prime(index: number): Promise<bigint> {
        // Past the published primes, fresh ones are drawn in the thread pool, so both cores work.
        while (this.primes.length <= index) this.primes.push(suitablePrime());
        return this.primes[index];
    }

    /** The placeholder key of the resource `name` (the same key for the same name). */
    async keyFor(name: string): Promise<KeyObject> {
        const [a, b] = PlaceholderKeyPool.pairOf(this.pairFor(name));
        const [p, q] = await Promise.all([this.prime(a), this.prime(b)]);
        return rsaKeyFromPrimes(p, q);
    }
}
