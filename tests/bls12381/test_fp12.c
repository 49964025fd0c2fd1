/* Tests for Fp6 and Fp12 (src/bls12381/fp6.c, fp12.c): known answers from
 * tests/oracle/fields_kat.py (which multiplies in a flat w-basis with
 * w^6 = 1 + u, not the C tower), Frobenius against exponentiation by p,
 * sparse products against full products, and ring identities. */
#include <stdint.h>
#include <string.h>

#include "bls12381.h"
#include "field_test_util.h"
#include "internal/fp12.h"
#include "tap.h"

/* BEGIN KAT fp12 (12 Fp coefficients each, tower order): a, b, a*b,
   a^p (Frobenius), a^(p^2), a^(p^6) */
static const struct fp12_kat { const char *a[12], *b[12], *mul[12], *frob1[12], *frob2[12], *frob6[12]; } FP12_KAT[] = {
    {{"110101cd2f7b5a292c26045d4fb0cf3ae910d93237fc533cc5bb57788deffdfea5e7a9cfdd35eeac95bddd191b97b868",
      "0b32bf58b83ba5b4ca46693bb2cdd454d383430d4d2c9976f59eadbd4581248bcd50ca3360e5cc92301679b63580a6b3",
      "0c8f0adc178bf6f4754fefeddfb1878fc508d527da559ed36bf5f619446791041bdeaad95cfabd72c556f740dead6d55",
      "1522662ed92ae755ebb093601ecefaac79b7eaf01c67af3116e35c2576aec33562f45f184268ad69be369049fd2d8798",
      "0824558fdb1e86578ea94b64ed66ba5daa448236336e9108e57a38e77bcd52364a0be3dfb65f8f6f5369e81f7821a30b",
      "165cf22536d1c3e3699b4794979e73ee922664b7adcdffe902ad5f9e793316716065e06fbc964459c6a43f265da36ee1",
      "1347bdaddd00a90c6a25d2b5078a3c158e3644b3eac7a29e0559183fea2fc8c89d72f255e6c86232dc35ccf13f9c219f",
      "0723d7d38995d231c611703b349d49970b6808de124c831c8e3a28c354f38d23d0aabd9bf8aa718f264bfefeef47ba37",
      "0dce2349815352d32b098719facd2ac04fd70348a5174b5466ee664928e92d2f0db9cb0a2a834bcf0e9c565bf5085cba",
      "11ad57b408075ae6b9c202c2d00882e251ac50bf29a681c89b56dea4d3a8febce1e5cb4423653fb36825f1d50ae3cc30",
      "03c2f22dcc90c98d8777ac904dce99bd440048f67b143ceedb41a66d9c3392823ff968360129f8a48c98d0e223c052bf",
      "10d172931333713f61dae8e749a5bad70c32c4b78ef0a665f428ac7af63d1f42fdbe06f524c4c12f706c262a6d3aa91e"},
     {"1664b84135bca07e6c24605ebbdc3ce76a57982734c3d50514fbdc05d70b10c8a3e99233cb0bd3273e506cd535d156f3",
      "0336149d2ed40905662c00b6261d14345b74fbdb1d8023cbe295eba8adf9f48579ea11b9caa583fea34a10b1e524a4a8",
      "155ad00751f5bde0feed30969ad36d0def1bc02ce2e9a39a36b9e2b2b262eb6e8d93a3d07f65046f48fe209aa935cbd3",
      "0adddf503c61ffec0e32f794eea92421e2a6da25510bbf8cc0c6a2e3bc4a939c8c356bcec4318198906a438b0f386e14",
      "093e07c870deef1498aa52f7a0ae4b3649963260d6fd0631d8d23c03f42b86ca440e545284b2c937f518865026b01f6a",
      "140a84ccd356c0084f7da5f6677ddee0595ab84e69cfedb299be9f6552fe26c6830553a20fb88b0271fb5fe37ff76b7a",
      "1798f434e7daa1e1e361be2b16bad0972801f69389e1f224dffd1241b032dca55c92cb6a63b8bbb107dfbd31a7c02fcd",
      "04efbc9904abc2ae20d1cbb65490a82d31ff096cbb8c530d1958c42f8a0764e27e76c015c532b15996b7d451dce31277",
      "14223e41cdd16ad18ad1bde3ac2b869349ec31edd202fd12b8b1ac8e68caebce72827b353ff0f555ba1af7885ef2ff14",
      "0e51965a541b4bc88454e4accb11c46e9892a25ac3419e210217023ba232ac3e3dd6361ef0aaa9079a42a98a252764b7",
      "16b20c87e819e38c54119180620981d0f3d9f1275a389385176b95d7f2c40726645a0d82a638c58361042b048fa760b8",
      "05f3d6a17047d65b1fa1e6218460d61a074952b549afee90e5427be2f968a023f5ed6485aaddc1a8d6070b490a594e9a"},
     {"0929688bac8f5bf1e30b09afb0fe35ef62e9ef893eed4bb140dab094c3811ad64918ed6bec662162792c4244013e75d5",
      "1912f5648bec0403c6baa0e47703fc4ad094de754c38ef9faa75cb250a0f764e227745da82479f7a00eb359b6218d748",
      "16bdf18ba02941cb255497ddf21f753761efc31498f4f967def17ec894622d8c06932b589f2d990648f1ede743ced216",
      "0eb2f4111c17042c6f1480e26c8189bc146787edc7de7ae43fcdb9b72f6ca7993cc908b2d52a6f86ef6d0ea01e6feccf",
      "0957692808d7ff933c66d028f8a1b9a17b944f92fdf2abff2be946307e25850f34ef807acae0c28b1bb3e61d5f2e2e19",
      "0ad7b663950a5e5972b8c83d134fdd469eed8f189ae217a185f790229a153447bb6578b175eea5f873681ff7adb10a5b",
      "1829c3bfa80bdfdecd6d7e3e6cd9626213d16e6ee82e1841776ed48549337202b408da1b027a70fd5a1fe97027a15dd5",
      "0110a63f65f36f33db6231c0f204af18d90624087c4a527548d25e5a08b3452df10eaffdf8970707cac796b34d309274",
      "08bb6dac9d8a5fe3a8270c7d42817ba36e7515bfde9d9afb10482fc76e9580e50d7164725167dc788295b0a4766351a6",
      "143a7def63aafadf5a434f7791b849b5ea951b448efe40f911636ffee6968ecc66456ff7036412562fb57f82ff3ae9e3",
      "19c7f17894a65d2d7f77ab7105cffc01e5412595b08d0439d30c4c13a7a711a641e745bca9ca71daa223e79ba8411832",
      "0013708f1cecb3f98f39b636d93f71ef5a685cde74a8130ea5e98e35d7582c84f01778dcd5e58b476143b8e2fc1ce4fb"},
     {"110101cd2f7b5a292c26045d4fb0cf3ae910d93237fc533cc5bb57788deffdfea5e7a9cfdd35eeac95bddd191b97b868",
      "0ece5291814440e580d53e7a907dd88290f40877a6587948719224e3b12fd198515b35cb506e336d89e88649ca7f03f8",
      "0dd115592a4d252c0d8f69ac363a5af017e868f926af58d0c3cb53bcec5b8b858deb70cb8f36f0514960ec752fba1232",
      "17d95b0d7b5cd4f60dabba47138992567c7d7f9af47a24c67beb9e7a477f32deb42ed0a06e0f446ca1d627b6a514b13a",
      "0410bf8275dc61cae917323f4fed5ebd20e6b37af80e599be147481c501d46e6dd75fa151556d55c6d5c39113e0d6455",
      "04bae93c02721d030e6bab4db911314ec46dc7244738ec112820ebf71286cec186f4cbd962107b127e7e892ad317fedb",
      "17b91296a40dbb89609562f5014def10332a77874dd49b172999225480abb5d3a0788fa3639474797e8aa4425553f480",
      "0b59faff19eb80dcb450022b7bb395531d0f420c20828b6dcce072158dc955c2f645a2340f7d46794e6a47bd24df112b",
      "082011abd691c6ffb0ac9a165c6e49d252aea842df2e0e2bd25646289e008c8e5496ef0ea1e6a6fda835927a0eba1a2b",
      "03645357c7bfd29261283be99000a2e82c514057132f926ebd0f52c9655c7307b60fcfd884bf01bc9da9698306bab524",
      "0ed40aeb24f82f8252277cab2ce129906be06235b26aab6161d12d983ee53c3be3c4b512e10b0ce3f279c59d204822ed",
      "0231ebbdc075bc992934a038b16088774843bc5c2dc5121aea7203ca28a015a27555beba74a42bb5320be979ca479aee"},
     {"110101cd2f7b5a292c26045d4fb0cf3ae910d93237fc533cc5bb57788deffdfea5e7a9cfdd35eeac95bddd191b97b868",
      "0b32bf58b83ba5b4ca46693bb2cdd454d383430d4d2c9976f59eadbd4581248bcd50ca3360e5cc92301679b63580a6b3",
      "0f99bdeae017014a133ba537935c3fc887684247183a61e4e68010ae617b28656d4a8483979dfe200cd0e1087c3d36c7",
      "110ea84c6f87c0b29cf75260318e0412374e4320a3f31d7cf3b2f55f8a579d8d4c783019910862446c668340d317bb8c",
      "15ed7bdcd43dc20da5898e90a5d25136db197cc9b824db5262fde1d5cb00ead4b2161634104b45ecd3f150f1c5eb6bf5",
      "18ea487339bbec4e1e305c8a35e7b471725a6b2df2033984a39359ac61a8071555fd53b4440140932edb37aecf43e79a",
      "0e60b2227bd30b831712000587fe14fb00e6301e5edf3614f68662daf0a686249ec55b04b88db03723c9c6e7ed01c33f",
      "07a6337aef01cb8a76b79ff881065dea082f4e0c60084f0178a2474761716e83b15b4833b373c359faf280883ac4282f",
      "0c32eea0b82c93c72012209c487e821714a0483c4e6dc76b00426c57cdc7c8f510f234f486d0b430ab62a9a40af74df1",
      "0853ba3631788bb39159a4f3734329f512cafac5c9de90f6cbd9f3fc2307f7673cc634ba8deec04c51d90e2af51bde7b",
      "0ebe941962b128dbfae98f6f1c3ab5fafe24fa3f91808dab34056305edada9a7d0914f552204837fc7164b62ad866a30",
      "1293158d8d4db0f797d1c2720aa9b62ffbc65a21b8948c7d9343498e39f7a47a36f8276905144a0ece2d99875b834150"},
     {"110101cd2f7b5a292c26045d4fb0cf3ae910d93237fc533cc5bb57788deffdfea5e7a9cfdd35eeac95bddd191b97b868",
      "0b32bf58b83ba5b4ca46693bb2cdd454d383430d4d2c9976f59eadbd4581248bcd50ca3360e5cc92301679b63580a6b3",
      "0c8f0adc178bf6f4754fefeddfb1878fc508d527da559ed36bf5f619446791041bdeaad95cfabd72c556f740dead6d55",
      "1522662ed92ae755ebb093601ecefaac79b7eaf01c67af3116e35c2576aec33562f45f184268ad69be369049fd2d8798",
      "0824558fdb1e86578ea94b64ed66ba5daa448236336e9108e57a38e77bcd52364a0be3dfb65f8f6f5369e81f7821a30b",
      "165cf22536d1c3e3699b4794979e73ee922664b7adcdffe902ad5f9e793316716065e06fbc964459c6a43f265da36ee1",
      "06b9543c5c7f3d8de0f5d5013bc170c1d64106d108bd702161d7ba610c812d5b81390da8ca8b9dccddc9330ec063890c",
      "12dd3a16afea1468850a377b0eae6340590f42a6e1388fa2d8f6a9dda1bd69004e014262b8a98e7093b3010110b7f074",
      "0c32eea0b82c93c72012209c487e821714a0483c4e6dc76b00426c57cdc7c8f510f234f486d0b430ab62a9a40af74df1",
      "0853ba3631788bb39159a4f3734329f512cafac5c9de90f6cbd9f3fc2307f7673cc634ba8deec04c51d90e2af51bde7b",
      "163e1fbc6cef1d0cc3a3fb25f57d131a2077028e7870d5d08bef2c335a7d63a1deb297c8b02a075b2d662f1ddc3f57ec",
      "092f9f57264c755ae940becef9a5f200584486cd64946c59730826260073d6e120edf9098c8f3ed04992d9d592c5018d"}},
    {{"02a7120b506e542ca6e7dd5eebd29e96e08a530a7de9149d0a3239ca39c68ec8af2e0d102a5451c9984130a03de0364a",
      "02b210295a9c02206cb1d7ef1d89ad4a11366cd41bf06e4681d4c362e6be1d9ad1aa3b79774b7e14c37a41c2b13651a6",
      "04532066c7652d3f2d6975fcba5b00b7c927ae67f5ad5e12bbdf70af7d4b35162f3b9e0433ecd9ef8ca60f03a7b11fef",
      "13801dc9682f6c4814553335606cc7ff75afc61651a5106118ada4e76b63affed82def06493a279c090a18609dd259d2",
      "00dcf3ed8972887c858a703073a541f357ed36bc32f207bbceb252e1a60b845ba2565e07de5252f423a443832199844f",
      "136e385a26ae41cd89acabf80024f79db33159522e0245223c8144316d1e5bddaed536645897f539e905f35816590c97",
      "120522806ea20dd8fbbc8e9ac3869c86729e5e5247eaab93bbb9d0314f8ace61ccb0dc3947ac6882407cb48b18516f2c",
      "0282262cb4e697fcd189921d2929e02a611822d6b672c9ee32de6cd4ee445ba678a590fc2158820e854ac1e7317b4dce",
      "114c4f666b8e638b1032d3e63845c68a93afdb5a9324db9554b5043ed01a3b6eae0960107578c254f93faf38533c89ed",
      "1725a5fb45e36a4ba7fe57c681b5cf098d910ddc88efaa087027815406f07d760964b02763e45d6fb70f4aaa95ecdcb5",
      "1490e3dcf663a838a23ffc3b9cd0911bdb5e7dd40984ad63376fa1e41c7d115065397d8aa22b318110091a8abadc5b1c",
      "135021f529b261e15e1b04bb83f23d18e7c88f1b1e209db5b638d083a47626bdd7a4a049c71460196a90493d359c8b51"},
     {"02dfd013da54183a635d15de3ad8cc165aa4ad4a56af3978f2e43acd52c33e7dfebd8e2f9660bd8ebcf48d67f090e403",
      "085238b368fec01139a20f876b2bea69ee4083f5192e5d496a2ad6317e341082ed223d13c47b5a9d0f652b1d56558f01",
      "0ad66831823c0bb7dc39b1d9699b4f00f87a396e3781597c675f24cc0cbd07fe0604352fde4d51607531cc82c42c5a4e",
      "1691c9ead137cdd2629ddfb42406f31f0ea04571feb18a27a13361ae2b9683485f001b77e281121d7b6ba6fbb4a6824f",
      "03ab7abcd278967edb512a22f96505befcd8a0562ca072680153a82c611d0820dc0e3e84b5a8cb6084682faac2dd9302",
      "083cdf01cde71240984b5ff49c4fadd0821fcfb982621b2b1c640b2bfbd2e000ed540e77116223cb2d8daa1c41adcb24",
      "1689ed124ed1335cd2860e5eb5cdb8570f78e250944e36bf692006ac4ad86992778e9551d0bfcc4a4d6da181b05d98e4",
      "081dd826dc7a2075a95149f7ee99fc1fbdb778d50566e4f9b927cfff907b18f3da294e398c5e4d364e07fee3e363185b",
      "11c787d56ef1f14c3f7539dfbdb718fb6d19eccaf26b5254446694d141b9583adde604f8db96342bffbb277e24429976",
      "16431f6c25a5ab15885c80d7575ed8337b188010cd321732a95ecc38754ff496468d8ee0e1031567492dae72b670259f",
      "00b418d7394a6dbc1d5190ddf7d37f0576eea5e8f2e1de89ebaa690d39f67198a32b1e26062a9e844f3d5e5245b3bdb8",
      "0ea0a213964aa170f9d0a51d1228dfb5039184116710c6bb0455d253f12bea60eb72b37cb9692a862e4b859bc7095c1f"},
     {"00251b846266706a280265ef4b6bb5f57094f9436bb07b1abd247886d7068001bff1c00de1a0e24ce00f491b9e16c5f0",
      "00f547434d4fc0886cd330f6da882d832eabd8f3a1f54e7b5743b50a3dd48545010c0cb56479024afa81d757cbd0b099",
      "185ae853185186f3c8fa680070b5d8207822a1ccf6ae5afcf943192fb0b01c4926b09273f02f4df8df532901f77e9b38",
      "1909ca579e39e51ffda54f6cf638a76a090ff80e46a6fd02e5ea89435cf4fdf80849ef1b52b67b097c15dd03f2884b78",
      "06b8ed3c80ddf598206ffe9505e8477012e2b2f3f936a26f2eb0476e440d5da7f9fb3388784cd21612a757909ec1c001",
      "19e5957fa759824b84386fd3c899601fe9c92cf25d89b9f9a714ce9e0455f81b612d86fb0ed4c0cf69ff130d8227be2b",
      "054d3cd77035dcfd45a36f6e34970268e1c48458f756ce8a9faf09b5add9fcb8263a50757642907d3ebef2e8438af0c0",
      "0d38e2177ef9b8e2776c5af381a45877cb7b25f5134e46484f6775e7b6185f31f22bbc600c3c3faedda294f55f057688",
      "07352f00d6de417d5c0ddcc635ad88728941a9cbf786eaf6f8b3713e6b7476c755579568c3d42ae361a9c6eeb6e32e5e",
      "08a348d8731dcfac9bea372a13cded98fb86ccdc7140b94253f024d9f812ca08f215c620e50ebf675e3044d56ec7e3ca",
      "13b35d2c436f082c4501479fb250ab1a019d6cad849800663843017f87ee4732e30f95563ba8063ddf9ad9a7c4b3b8dc",
      "18ae3ef439c07b7f961edcbf306409352d67a6147fb3bab0c594efd3e74ea9bc60d152fd238fc88d16037960e2f7a575"},
     {"02a7120b506e542ca6e7dd5eebd29e96e08a530a7de9149d0a3239ca39c68ec8af2e0d102a5451c9984130a03de0364a",
      "174f01c0dee3e479de69cfc725c1ff8d5340deb0d794a478e55c0f3e0ff2d8894d01c4853a0881eaf684be3d4ec95905",
      "0656637f5fed86a2048af87ceae6bcef0ade7f3d2333e31ba0ce1b8cc1142a2d0d9d2036fb0908ebc85787a9a54b430b",
      "14598f8615b1f5f11a530b2b33d1eef35e112a75a1aa2db5db79b576526a4302cba926a4566ec6c95c588b78b074e9a1",
      "18f895eb84bda14dba91f92fba88e2cf36ab54af58fa721be9f19e559a418e81f2c5db3cf25dc7bfa30a1165af691921",
      "164550c02ae0d8011811de318011bf346d3042f54300ad70d68d65281b20218bad83633037fa43b05835fcfe94546170",
      "0d51f25bba65a33909a39992cb4f91659aa335c249e35a4498dcc192c2e653e63e696b078a490dae46baa563fb509d79",
      "1101d2c8df263542778cc235e4cd26d5ad0ced4b7378c11650b13cbaa529d23c4f85d47f5e8c897e170b61130c98ee88",
      "05d732a1401056c631df73ae6f0a859fc4320de316cbec688db3f9e3ff3c5e3c3b5dd964fe2dd79216c6c90cb0faa28e",
      "0d2a7df8dadc5a1de12f4c500172041d5b3be5df48ebf4b52398b87978c538a331b7322cc77312ba5a1566db341520a8",
      "0ba7bf663ee708bd5ef5a60a435833f7a24002c4921146a37898c9e875d4aa732ec9948af005b188da6fffd109ce2180",
      "19b5d2d2e4af22fe5fee7428bf5d0b6311518012ddeea176b6c64220d233347c0edc06cd9208beb4e122c943350e1a15"},
     {"02a7120b506e542ca6e7dd5eebd29e96e08a530a7de9149d0a3239ca39c68ec8af2e0d102a5451c9984130a03de0364a",
      "02b210295a9c02206cb1d7ef1d89ad4a11366cd41bf06e4681d4c362e6be1d9ad1aa3b79774b7e14c37a41c2b13651a6",
      "015461fd5c68c36a035f268e551ebd2c3d3e72a75c2d86f6cfd7ac7b26fb7e0b23c73b5626f85f46d1006583a7d9a11b",
      "002a90a17162f3b0323b7c03f7f827e8e3e906317eac1f42adb5122cca391bf838e0f0c16d10cf77e89d5ff5bce20dce",
      "181ba1fdfb4b18d1350788ff46e3a0dbdebe1df326086a601b3f4b73f4360a26506f7d35140b74cb7f65cde28dcf94d2",
      "0a4e9aba2170b365f478c5430660a2dca88cfac2760732ebbb52fbe865236edee0ff6668d215c71532c20fa95551e74f",
      "1115a5fc5913669c82bf5fc603f4b9feacf97ca4605e7ceb9ce1e8c9a2ed8a31567eb0c395ecfdef744d19dc6cffc570",
      "0bda0721f7ab59eca2a7d83eeb5d16a7f42c6be771b4df801d6fd8c3302e63a1860423124cecfdfcb7354ed78f8aed1e",
      "08b4c283cdf1830f3ae8d3d00b05e64cd0c7702a6060372a127bce622696bab570a29fee3bdb3daac0bf50c7acc320be",
      "02db6beef39c7c4ea31d4fefc195ddcdd6e63da86a9568b6f709514cefc078ae15474fd74d6fa29002efb5556a12cdf6",
      "049d2a12ec8ad60c00100d5c1e1a1febfa12be2e979369e21a4d57bd032de17079180d37456ea1bc8130cb374d7efda2",
      "093c2b6b2b8f032989bfe5dcac321ab18a6930dcfeb8594191467fda9d7bb01bbafccac2e3c5cbde83a0c5ad507c5f0d"},
     {"02a7120b506e542ca6e7dd5eebd29e96e08a530a7de9149d0a3239ca39c68ec8af2e0d102a5451c9984130a03de0364a",
      "02b210295a9c02206cb1d7ef1d89ad4a11366cd41bf06e4681d4c362e6be1d9ad1aa3b79774b7e14c37a41c2b13651a6",
      "04532066c7652d3f2d6975fcba5b00b7c927ae67f5ad5e12bbdf70af7d4b35162f3b9e0433ecd9ef8ca60f03a7b11fef",
      "13801dc9682f6c4814553335606cc7ff75afc61651a5106118ada4e76b63affed82def06493a279c090a18609dd259d2",
      "00dcf3ed8972887c858a703073a541f357ed36bc32f207bbceb252e1a60b845ba2565e07de5252f423a443832199844f",
      "136e385a26ae41cd89acabf80024f79db33159522e0245223c8144316d1e5bddaed536645897f539e905f35816590c97",
      "07fbef69caddd8c14f5f191b7fc51050f1d8ed32ab9a672bab77026fa72627c251fb23c569a7977d79824b74e7ae3b7f",
      "177eebbd84994e9d799215991a21ccad035f28ae3d1248d1345265cc086c9a7da6066f028ffb7df134b43e18ce845cdd",
      "08b4c283cdf1830f3ae8d3d00b05e64cd0c7702a6060372a127bce622696bab570a29fee3bdb3daac0bf50c7acc320be",
      "02db6beef39c7c4ea31d4fefc195ddcdd6e63da86a9568b6f709514cefc078ae15474fd74d6fa29002efb5556a12cdf6",
      "05702e0d431c3e61a8dbab7aa67b1bbb8918cdb0ea00655c2fc130bcda33e4d3b97282740f28ce7ea9f5e57545234f8f",
      "06b0eff50fcd84b8ed00a2fabf596fbe7caebc69d5647509b0f8021d523acf6647075fb4ea3f9fe64f6eb6c2ca631f5a"}},
    {{"00757c983ce6d922dab6f3ce36580ea36d72e67f1b95676fae65116609d3095ce09cd201fe0d2b8609ae99475c39c033",
      "1854c4a6ca33d3c6e00c9b36ae3560725baa378879d7cfc31d7e5378cbe1462b3a68389f71b811cb679e5e48de877e2a",
      "09ec17844ba956777ee72318e308699165557bb1c037269dfefd8a941ce132d2bba88f87490e2e20bb90da93a8a6db83",
      "023582bcaf759958472a7de50338c18aa222eb613a0e95f59a82725047612e0fdc7891e021e97c61565ff9bc663699da",
      "126c98f4571862acf8392c2e10d376a085b06c093f8703b633170b7a792c57bb8a958b84e2787d0851a345bff645ceab",
      "085b2ab5103684070e2439baff503da9736ecc327c7e7fa490c6db0404dbbd0f3ed980668d3e0cdd76e60bbab2e73063",
      "0fa7a088dfa35d502db5cc8716df13811397ef060c3c701f016a4b5cf3b4cb908a62798bc72e6f228a454bcf7250d549",
      "0d37da302bcd48cbd0c91cae622c7e8840af5186285dbdaa32c49acacd1bed66e722dcb0300a850d83fad59e7e185671",
      "144c9fe4c17d664f4a999c54e3ca5754ad734852d3cbde6a1beac6b566d60f961d9c43a4d26946fe10bf59cea42656f8",
      "03b9cbf0ec38782e83931cf3294ca2fd96ae2cd78985b5198bc5ba167812c607530b9beb28037416156e0f5795dae9a3",
      "00f71a7c92a1e75116ca6da3566fe91719d115f61fe7c45578e72e22b8cf00164a6a854cf7c3095401db1fd9aa2257f2",
      "0d050a768efc0406e2c4173be1d0707a001e2ddd6e5c6914e835f0a4add1d3552dd8e9ac2911582d9f040d0c71a5a638"},
     {"0136251858a85ff40a426f89e4efbf1e24a871bcc7550b134202d103a24655d2d96787507b5850f9127d344ac6984925",
      "0ec0abdf845157926b01a51ed4eab7094e109fdb07bbb16fe6ccc938370d786780884546fcfabb203011dd08964287e2",
      "17d5a2ddbc86cf88b8cdfca6b2dab5c50c8d6bcafc5c495871ae277052d2352d5efd916ce4633972c34d0ec475fd50a3",
      "03b36438d9ba7c0d8bedc406ed33caad722a47dc57654c92fcc7bb2d9f668599e6b196da3afa7ae70a110b2ba749fd27",
      "0c7b1a8fc792daee80879f7fbb1f74121eae5917d4625e2cad916c21c6cffc292191aee65b03b79359dc1ac2dc4b7c61",
      "0cc231386f8c864b3d5252c70b04afdb5bbb711594c9a379b8c2093cf465e91da08bd412509733af1f2db5cc2000fd26",
      "033280aeb95ef39eeac5480e96b19d0b6596da13a1237410b1e6360f2c83a555b671ff994237a5c09e9de864204988cd",
      "0b49422a83a7c20715e33bfd845e492a83fb759e339adb1f98f087aa5bff0cf5ccc8c064e12fa5d3e6ae40019d9c98a9",
      "05722b8936da081b16f4c8f5a0d0a82e02b18045576393452fd683ff7048137275a48b5e43e480461fd9803697a4abff",
      "00f11a358f35eb42be709ea4902fb80eb5d7926e4cb8a1b95ba1378c1cb0bfde46fc826082ae85f0cb984b8343294bd9",
      "124f65e7a2d732a82e9279230a304e048919c3d575b034b67aaca4fea0393b7fc86f26565df67a4d3ee3b1de26b149ee",
      "035fdbd556316f71aac54ae33a45ac8273e3019f734a6d8db45f917d160b3ddb45a4a3d1d7e28e1336a40ccb388028bd"},
     {"05fe976d69d902750121e270ea4a56d48dbd2408501fdf8b2c251770b3e2c9639d971c000d4d2decfebc65bf62dce7b9",
      "0b1d6392ed0956f65ab828a5aaa8ff1b0b3dac6cfe2437f05af01bd3040a940c764861fd18c7e8fc2713ba8d4d410577",
      "0439b994c5bf1f372c1437bbbb500c255684fed91ee1847b11d183248b5afefe0fd0694ec5deea585f5d3002f4b12408",
      "09a847f77686f76daa651755399eadd483c0bf59f4fe3da35b1cb3bab7fd9bd251e5f9bda931016fca9d46f0995759e7",
      "0bd00d56156200b5c47e16eee1789d084166c2986c4534a05c04201f3a574877781cefeb6eeef482ae5a31a7cc121533",
      "1755e26aa34e9002edbd575415d13e54123ca9e6d744b69b704f1ff0c60179844fc12a40d442e93dd84ffd5e0a796dca",
      "080f9e417f1c29c9419659c496bf113c3f43e190cc1dd7db4727e38983ad90c072bebadc31322a8865efcdaff625a855",
      "022eebbc0554236afa71f98f7c9a9510feb48cc3b074c9ff3372f1a2626b41c0c7268e54fa69b1c89f1d9e8194ca9e18",
      "0e951eff40e0531d2607adc13ff34f1b23a53bf464b4dbd347588b6a8408c405a3eb56bf3e9a57b2c0661ab0ceb4e96c",
      "0c21cfb9e99325ac6f143a4e7bc9d4fe0f0592b4c8fda5c0cfe4c163e100e053d24aa968cf3428dbc5c27ef32e5ff5eb",
      "10e2312fe275e30b4b7c700bb043fcca847c36f28d33a9d1d6eee08e0f3d7c935b1e13f65f1937fad2073c15528f168d",
      "03ab09fc0523db18f4fdc255bfa5742ecf99ee25337b99cf3552533a96d78d5088735d7207d82252a3f094031f03db5f"},
     {"00757c983ce6d922dab6f3ce36580ea36d72e67f1b95676fae65116609d3095ce09cd201fe0d2b8609ae99475c39c033",
      "01ac4d436f4c12d36b0f0c7f95164c6508cd13fc79ad42fc49b27f282acfaff8e443c75f3f9bee345260a1b721782c81",
      "0b6a731f0877ebe00035dde2f5376518f1c1d6baaebc221766bb42adc828d2a4aa4bc26a22bc542fe732e3d5a10e266b",
      "0d4de27bc6d631a1f789a7bc96281c425ae7ebb62e5df0682d7e63bbaae9f4d06b94990f93a842d788f083438f2c7b52",
      "16f3fde80d88261a49f724923a7b4e72f63737ba76c935628fd6cc2a1f6714f12eaa7208c8734e95a4ad8513bcedef06",
      "17070d1445223913e2e5c166beec824329f72329eac0b3e552d6c2cf12ddfdbc8c7db4a066daa52fc719de63fd18ae31",
      "0bf5732734a46f80ced94617eddf15455e010e2747c71b6f7c16eca8821debad4cfb16b76ce5838c2b467c3ec93c2a14",
      "0d26ed0d1a6ced174fa459cdf2d5abf446d0150dbb75248d2886114a043a143a66b16c3f659ffe55752a9a7cb05f5857",
      "0d87c14dfb91084599f3abc7daea5482814cde589aa798a58ff24bd8ffe1d3d9cb39d08202d5bc40622de50c74edcee5",
      "19f38771a6d9ac35fa49e091ddae35b8078314a17d355c552f8e3f1a56189292ec76a5252d2921ddf124034a6ace6c37",
      "158256bf0c129fe0f0d346599e4f4baffaf84bb15f71a60c4c0008ec0a300554739af71619ed2d643324b14e8318b43e",
      "057f7181e5756939e1cc5b76395dea62e496db08a2b89a5480148a458866154b67ecfbc6e49e058ab9256192b4ac79e6"},
     {"00757c983ce6d922dab6f3ce36580ea36d72e67f1b95676fae65116609d3095ce09cd201fe0d2b8609ae99475c39c033",
      "1854c4a6ca33d3c6e00c9b36ae3560725baa378879d7cfc31d7e5378cbe1462b3a68389f71b811cb679e5e48de877e2a",
      "02c717ea27005e80d4aadce0ca1b2703a439e41d04effbb93ab4e4512ee5ce80f76ed767d49d8f07757da228c82c53d6",
      "0c611c0e8192616203bb4bee4adb8633d09289690aba5ab265f31da2e726f56f97e7abb46cae2f6e7c6c226df8baea66",
      "048764f3b66fc36d51bdf86429a7d7d27086cbb1374231ac5cbfc0afa63abd35a414e683e5fad18d530a3f53c6a8205b",
      "149fec0b1da71019a52d544ac85a99c22b88a7ad7fcaf1f4eac4076ed5a8317c7200caf66e8f4df235fe15e14fff76c2",
      "030efdafd8f23b541fac9c665bccec6e2f71864ad1050e03c7cd14fcc18eff46e7dd48ae34c59d3babe24af7ea842403",
      "164d8269f17889eb318f432854478c6fd0947a6e4d843981593440711abf8f2b463b86adf3c3503934705c06ed4ac581",
      "05b472057802804b00820b615f815582b70403321fb934554b460beb8fdae68e010fbc59deeab901a93fa6315bd953b3",
      "164745f94d476e6bc7888ac319ff09d9cdc91ead69ff5da5db6b188a7e9e301ccba0641389508be9a490f0a86a24c108",
      "12a31919fc3cb7432586f1ffdace8595691501d09bdaf6c8d08f9662673d5ed8b054fe1c96e8c32d0735d5456f259819",
      "017f68cfcf4269aca6f902211cece651adbe79c5289e728f344687248583c3dca05f62bf23e4f313e749961f06778584"},
     {"00757c983ce6d922dab6f3ce36580ea36d72e67f1b95676fae65116609d3095ce09cd201fe0d2b8609ae99475c39c033",
      "1854c4a6ca33d3c6e00c9b36ae3560725baa378879d7cfc31d7e5378cbe1462b3a68389f71b811cb679e5e48de877e2a",
      "09ec17844ba956777ee72318e308699165557bb1c037269dfefd8a941ce132d2bba88f87490e2e20bb90da93a8a6db83",
      "023582bcaf759958472a7de50338c18aa222eb613a0e95f59a82725047612e0fdc7891e021e97c61565ff9bc663699da",
      "126c98f4571862acf8392c2e10d376a085b06c093f8703b633170b7a792c57bb8a958b84e2787d0851a345bff645ceab",
      "085b2ab5103684070e2439baff503da9736ecc327c7e7fa490c6db0404dbbd0f3ed980668d3e0cdd76e60bbab2e73063",
      "0a59716159dc894a1d65db2f2c6c995650df5c7ee748a2a065c6874402fc2a9394498672ea2590dd2fb9b4308daed562",
      "0cc937ba0db29dce7a528b07e11f2e4f23c7f9fecb275515346c37d6299508bd3789234e81497af236042a6181e7543a",
      "05b472057802804b00820b615f815582b70403321fb934554b460beb8fdae68e010fbc59deeab901a93fa6315bd953b3",
      "164745f94d476e6bc7888ac319ff09d9cdc91ead69ff5da5db6b188a7e9e301ccba0641389508be9a490f0a86a24c108",
      "1909f76da6ddff4934513a12ecdbc3c04aa6358ed39d4e69ee49a47e3de1f60dd4417ab1b990f6abb823e02655dd52b9",
      "0cfc0773aa83e2936857907a617b3c5d64591da78528a9aa7efae1fc48df22cef0d316528842a7d21afaf2f38e5a0473"}},
};
/* END KAT */

static struct test_rng rng = TEST_RNG_INIT(0x5deece66dULL);

static void test_kat(void)
{
    for (size_t i = 0; i < sizeof FP12_KAT / sizeof FP12_KAT[0]; i++) {
        const struct fp12_kat *k = &FP12_KAT[i];
        bls_fp12_t a = fp12_from_hex(k->a), b = fp12_from_hex(k->b), r;
        bls_fp12_mul(&r, &a, &b);
        tap_ok(fp12_is_hex(&r, k->mul), "kat %zu: fp12 mul", i);
        bls_fp12_frobenius(&r, &a, 1);
        tap_ok(fp12_is_hex(&r, k->frob1), "kat %zu: frobenius 1", i);
        bls_fp12_frobenius(&r, &a, 2);
        tap_ok(fp12_is_hex(&r, k->frob2), "kat %zu: frobenius 2", i);
        bls_fp12_frobenius(&r, &a, 6);
        tap_ok(fp12_is_hex(&r, k->frob6), "kat %zu: frobenius 6", i);
        bls_fp12_conj(&r, &a);
        tap_ok(fp12_is_hex(&r, k->frob6), "kat %zu: conj = frobenius 6", i);
    }
}

static void test_fp6(void)
{
    int ok_comm = 1, ok_assoc = 1, ok_dist = 1, ok_sqr = 1, ok_inv = 1, ok_nr = 1;
    int ok_01 = 1, ok_1 = 1, ok_fp2 = 1, ok_frob = 1, ok_frob_hom = 1, ok_sub = 1;
    bls_fp6_t v = BLS_FP6_ZERO;
    v.c1 = BLS_FP2_ONE;
    for (int i = 0; i < 50; i++) {
        bls_fp6_t a = fp6_rand(&rng), b = fp6_rand(&rng), c = fp6_rand(&rng), t, u, w;
        ok_comm &= fp6_check_comm(&a, &b);
        ok_assoc &= fp6_check_assoc(&a, &b, &c);
        ok_dist &= fp6_check_dist(&a, &b, &c);
        bls_fp6_neg(&u, &a);
        bls_fp6_add(&u, &u, &a);
        ok_sub &= fp6_check_sub(&a, &b) & (int)bls_fp6_is_zero(&u);
        ok_sqr &= fp6_check_sqr(&a);
        ok_inv &= fp6_check_inv(&a);
        bls_fp6_mul_by_nonresidue(&t, &a);
        bls_fp6_mul(&u, &a, &v);
        ok_nr &= (int)bls_fp6_equal(&t, &u);
        /* sparse products against the full product */
        bls_fp6_t sb = b;
        sb.c2 = BLS_FP2_ZERO;
        bls_fp6_mul_by_01(&t, &a, &b.c0, &b.c1);
        bls_fp6_mul(&u, &a, &sb);
        ok_01 &= (int)bls_fp6_equal(&t, &u);
        sb.c0 = BLS_FP2_ZERO;
        bls_fp6_mul_by_1(&t, &a, &b.c1);
        bls_fp6_mul(&u, &a, &sb);
        ok_1 &= (int)bls_fp6_equal(&t, &u);
        bls_fp6_t f = BLS_FP6_ZERO;
        f.c0 = b.c0;
        bls_fp6_mul_by_fp2(&t, &a, &b.c0);
        bls_fp6_mul(&u, &a, &f);
        ok_fp2 &= (int)bls_fp6_equal(&t, &u);
        /* Frobenius: power k = k-fold power 1, identity at 6, multiplicative */
        t = a;
        for (unsigned k = 0; k < 8; k++) {
            bls_fp6_frobenius(&u, &a, k);
            ok_frob &= (int)bls_fp6_equal(&u, &t);
            bls_fp6_frobenius(&t, &t, 1);
        }
        bls_fp6_mul(&t, &a, &b);
        bls_fp6_frobenius(&t, &t, 1);
        bls_fp6_frobenius(&u, &a, 1);
        bls_fp6_frobenius(&w, &b, 1);
        bls_fp6_mul(&u, &u, &w);
        ok_frob_hom &= (int)bls_fp6_equal(&t, &u);
    }
    /* v^p = v * xi^((p-1)/3): checked through v^3 = xi, (v^p)^3 = xi^p */
    bls_fp6_t vp, cube;
    bls_fp6_frobenius(&vp, &v, 1);
    bls_fp6_sqr(&cube, &vp);
    bls_fp6_mul(&cube, &cube, &vp);
    bls_fp2_t xi = {BLS_FP_ONE_INIT, BLS_FP_ONE_INIT}, xip;
    bls_fp2_conj(&xip, &xi);
    tap_ok(bls_fp2_equal(&cube.c0, &xip) & bls_fp2_is_zero(&cube.c1) & bls_fp2_is_zero(&cube.c2), "fp6: (v^p)^3 = xi^p");
    bls_fp6_t z;
    bls_fp6_inv(&z, &BLS_FP6_ZERO);
    tap_eq(bls_fp6_is_zero(&z), 1, "fp6: inv(0) = 0");
    z = BLS_FP6_ZERO;
    bls_fp6_cmov(&z, &BLS_FP6_ONE, 0);
    tap_eq(bls_fp6_is_zero(&z), 1, "fp6: cmov 0");
    bls_fp6_cmov(&z, &BLS_FP6_ONE, 1);
    tap_eq(bls_fp6_equal(&z, &BLS_FP6_ONE), 1, "fp6: cmov 1");
    tap_ok(ok_comm, "fp6: a*b = b*a");
    tap_ok(ok_assoc, "fp6: associativity");
    tap_ok(ok_dist, "fp6: distributivity");
    tap_ok(ok_sub, "fp6: add/sub/neg");
    tap_ok(ok_sqr, "fp6: sqr = mul");
    tap_ok(ok_inv, "fp6: a * a^-1 = 1");
    tap_ok(ok_nr, "fp6: mul_by_nonresidue = * v");
    tap_ok(ok_01, "fp6: mul_by_01 = sparse mul");
    tap_ok(ok_1, "fp6: mul_by_1 = sparse mul");
    tap_ok(ok_fp2, "fp6: mul_by_fp2");
    tap_ok(ok_frob, "fp6: frobenius(k) = frobenius(1)^k, period 6");
    tap_ok(ok_frob_hom, "fp6: frobenius is multiplicative");
}

static void test_fp12(void)
{
    int ok_comm = 1, ok_assoc = 1, ok_dist = 1, ok_sqr = 1, ok_inv = 1, ok_014 = 1, ok_frob = 1;
    int ok_pow = 1, ok_conj = 1;
    for (int i = 0; i < 30; i++) {
        bls_fp12_t a = fp12_rand(&rng), b = fp12_rand(&rng), c = fp12_rand(&rng), t, u, w;
        ok_comm &= fp12_check_comm(&a, &b);
        ok_assoc &= fp12_check_assoc(&a, &b, &c);
        ok_dist &= fp12_check_dist(&a, &b, &c);
        ok_sqr &= fp12_check_sqr(&a);
        ok_inv &= fp12_check_inv(&a);
        /* line shape: o0 at c0.c0, o1 at c0.c1, o4 at c1.c1 */
        bls_fp2_t o0 = fp2_rand(&rng), o1 = fp2_rand(&rng), o4 = fp2_rand(&rng);
        bls_fp12_t line;
        memset(&line, 0, sizeof line);
        line.c0.c0 = o0;
        line.c0.c1 = o1;
        line.c1.c1 = o4;
        bls_fp12_mul_by_014(&t, &a, &o0, &o1, &o4);
        bls_fp12_mul(&u, &a, &line);
        ok_014 &= (int)bls_fp12_equal(&t, &u);
        /* Frobenius(k) = k-fold Frobenius(1), period 12 */
        t = a;
        for (unsigned k = 0; k < 14; k++) {
            bls_fp12_frobenius(&u, &a, k);
            ok_frob &= (int)bls_fp12_equal(&u, &t);
            bls_fp12_frobenius(&t, &t, 1);
        }
        if (i < 3) { /* a^p by exponentiation (slow: ~380 squarings) */
            bls_fp12_pow_vartime(&t, &a, FIELD_TEST_P_LIMBS, BLS_FP_LIMBS);
            bls_fp12_frobenius(&u, &a, 1);
            ok_pow &= (int)bls_fp12_equal(&t, &u);
        }
        /* conj(a) a = N(a) lies in Fp6 (c1 = 0); conj is an involution */
        bls_fp12_conj(&t, &a);
        bls_fp12_mul(&u, &t, &a);
        bls_fp12_conj(&w, &t);
        ok_conj &= (int)(bls_fp6_is_zero(&u.c1) & bls_fp12_equal(&w, &a));
    }
    tap_ok(ok_comm, "fp12: a*b = b*a");
    tap_ok(ok_assoc, "fp12: associativity");
    tap_ok(ok_dist, "fp12: distributivity");
    tap_ok(ok_sqr, "fp12: sqr = mul");
    tap_ok(ok_inv, "fp12: a * a^-1 = 1");
    tap_ok(ok_014, "fp12: mul_by_014 = product with the sparse line");
    tap_ok(ok_frob, "fp12: frobenius(k) = frobenius(1)^k, period 12");
    tap_ok(ok_pow, "fp12: frobenius(1) = a^p (pow_vartime)");
    tap_ok(ok_conj, "fp12: conj involution, a*conj(a) in Fp6");
    bls_fp12_t z;
    memset(&z, 0, sizeof z);
    bls_fp12_inv(&z, &z);
    tap_ok(bls_fp6_is_zero(&z.c0) & bls_fp6_is_zero(&z.c1), "fp12: inv(0) = 0");
    tap_eq(bls_fp12_is_one(&BLS_FP12_ONE), 1, "fp12: is_one(1)");
    bls_fp12_t x = fp12_rand(&rng);
    tap_eq(bls_fp12_is_one(&x), 0, "fp12: !is_one(random)");
    z = BLS_FP12_ONE;
    bls_fp12_cmov(&z, &x, 0);
    tap_eq(bls_fp12_is_one(&z), 1, "fp12: cmov 0");
    bls_fp12_cmov(&z, &x, 1);
    tap_eq(bls_fp12_equal(&z, &x), 1, "fp12: cmov 1");
}

static void test_all(void)
{
    test_kat();
    test_fp6();
    test_fp12();
}

int main(void)
{
    field_test_each_fp_path(test_all);
    return tap_done();
}
