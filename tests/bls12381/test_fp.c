/* Tests for Fp (src/bls12381/fp.c): known answers from tests/oracle/fields_kat.py
 * (Python big integers), algebraic identities on pseudo-random elements, and
 * the encoding edge cases (non-canonical inputs, reduction of 64-byte strings). */
#include <stdint.h>
#include <string.h>

#include "bls12381.h"
#include "field_test_util.h"
#include "internal/fp.h"
#include "tap.h"

/* BEGIN KAT fp: a, b, a*b, a+b, a-b, a^2, 1/a, sqrt(a) or "" */
static const struct fp_kat { const char *a, *b, *mul, *add, *sub, *sqr, *inv, *sqrt; } FP_KAT[] = {
    {"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
     "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaaa",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"},
    {"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
     "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaaa",
     "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaaa",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"},
    {"1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaaa",
     "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaaa",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
     "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaa9",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
     "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaaa",
     ""},
    {"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002",
     "0d0088f51cbff34d258dd3db21a5d66bb23ba5c279c2895fb39869507b587b120f55ffff58a9ffffdcff7fffffffd555",
     "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaaa",
     "0d0088f51cbff34d258dd3db21a5d66bb23ba5c279c2895fb39869507b587b120f55ffff58a9ffffdcff7fffffffd557",
     "0d0088f51cbff34d258dd3db21a5d66bb23ba5c279c2895fb39869507b587b120f55ffff58a9ffffdcff7fffffffd558",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000004",
     "0d0088f51cbff34d258dd3db21a5d66bb23ba5c279c2895fb39869507b587b120f55ffff58a9ffffdcff7fffffffd556",
     ""},
    {"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000004",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000004",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000004",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000010",
     "0680447a8e5ff9a692c6e9ed90d2eb35d91dd2e13ce144afd9cc34a83dac3d8907aaffffac54ffffee7fbfffffffeaab",
     "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaa9"},
    {"110101cd2f7b5a292c26045d4fb0cf3ae910d93237fc533cc5bb57788deffdfea5e7a9cfdd35eeac95bddd191b97b868",
     "0b32bf58b83ba5b4ca46693bb2cdd454d383430d4d2c9976f59eadbd4581248bcd50ca3360e5cc92301679b63580a6b3",
     "18c10f08eb967de3008b58ddb941149aad8bea191786f78128452c648eaa7cb0e0bf640a6095b5922da23dbd8a1c62bc",
     "0232af3bae371943ab50c5e2bf32f6b8581cd0ba91a3d9f454293294dcc02c66548c74048cc7bb3f0bd556cf5118b470",
     "05ce4274773fb47461df9b219ce2fae6158d9624eacfb9c5d01ca9bb486ed972d896df9c7c50221a65a76362e61711b5",
     "0c357667ab7598c4c1d1ff5e1284d28e64178b10a17a132415fd9880a17691b9e3d2ad44cdb2988f2fb3847907a38a45",
     "0394f5080f9ea474c331c1824448bc8a202ca09470a6efbfc8fe8d52e225a11f43e8b1646fd275626f053780bc88e931",
     ""},
    {"1347bdaddd00a90c6a25d2b5078a3c158e3644b3eac7a29e0559183fea2fc8c89d72f255e6c86232dc35ccf13f9c219f",
     "0723d7d38995d231c611703b349d49970b6808de124c831c8e3a28c354f38d23d0aabd9bf8aa718f264bfefeef47ba37",
     "1807e6e6b240660e3981cea8f3df5d5001a2f41c505eeb0126982dc23798825c2ac391adf69c24eebc35d2622ac15212",
     "006a83972d1694a3e51b9b39f8dbd8d53527020d098f12fb2c626e6248725fc84f71aff32e1ed3c24882cbf02ee4312b",
     "0c23e5da536ad6daa4146279d2ecf27e82ce3bd5d87b1f81771eef7c953c3ba4ccc834b9ee1df0a3b5e9cdf250546768",
     "14c6175b0842d460ac1313f19ce4da4591d4a59e48d583e864c11b8ebbb1a67a5662589f0bd54e2079368c3d4213b4b6",
     "0566860473994ddd91403a7c6eecfaba53001be33e0d9fcca099469bbf097e852e5337914bdd6b414a27625778b20f73",
     ""},
    {"0c8f0adc178bf6f4754fefeddfb1878fc508d527da559ed36bf5f619446791041bdeaad95cfabd72c556f740dead6d55",
     "1522662ed92ae755ebb093601ecefaac79b7eaf01c67af3116e35c2576aec33562f45f184268ad69be369049fd2d8798",
     "04fe303a3516c810612a541428e414d541f675645f30978f95dc3bfdeb8294f4e7f47fb8ce2c9391c51d77c00f4a309d",
     "07b05f20b736f7b015e4db97bb34d564da49749303383b451ba87f9dc4655e15602709f2ee0f6adcc98e878adbdb4a42",
     "116db69777e0f638d4bb0444042e39baafc835bcb1730261bc436c94c469c3f2d7964bbfcbe61008c11f66f6e17f9068",
     "08d8a32063a76c87470264ca59d3a4f9818fa85421385bccb87355ff8b4940e10e9cc2555d581bf8090da3c25d5d61f7",
     "0b7a22da5310bcb9d267f7db6b350b765f3a9233e3f428725cb1f4c7fb2dffd9c1e4bbe729ba5a09a9f131cf0bf7900e",
     "0eecf9c2906a6b659cab7bd2de1f980e623d6c3ade714292e8ae8b7d5e461d79979548ff671b26dfa6a27557615eca2f"},
    {"0dce2349815352d32b098719facd2ac04fd70348a5174b5466ee664928e92d2f0db9cb0a2a834bcf0e9c565bf5085cba",
     "11ad57b408075ae6b9c202c2d00882e251ac50bf29a681c89b56dea4d3a8febce1e5cb4423653fb36825f1d50ae3cc30",
     "141457d9d850fcb5cab1106a79e5cd1a0c485c4e0eeaadc4f00f85471ff7799ad6b758db93e6085b69e39161f9eb7e77",
     "057a69134fdac71f99afe226878a00cb3d0c0882db38ba5d9b14724d05e135c7d0f3964f9c948b82bcc34830ffec7e3f",
     "1621dd7fb2cbde86bc632c0d6e1054b562a1fe0e6ef5dc4b32c85a454bf124964a7fffc4b8720c1b60756486ea243b35",
     "168b9ee1a580eb3b66a00ce478a2aa3ec5d073795831717a5b751eb8fcd9c2175978353ac14a47f380efcb8d015b6850",
     "15cd705cccaaea52b9d804c05d5c95ae5059e5eb6dc5c2c7e8bec1511e81cfd1e1c432f20fdf05c1be0a19464b183938",
     ""},
    {"0824558fdb1e86578ea94b64ed66ba5daa448236336e9108e57a38e77bcd52364a0be3dfb65f8f6f5369e81f7821a30b",
     "165cf22536d1c3e3699b4794979e73ee922664b7adcdffe902ad5f9e793316716065e06fbc964459c6a43f265da36ee1",
     "01671e3123e89a25f6af917f24c78362c7d675868d3c466096d59dc8b5d0b574cf19146e0302c4d30b8c4e67c169ffd8",
     "048035cad87063a0ad28eb4341b98174d7f39b68edb77e3280f6c5e4fe4f72838bc5c450c1a1d3c9600f2745d5c56741",
     "0bc87554ddcca90e7029ab869913f3467c9569037925a3df49fdabe9f94b31e90852036eab1d4b1546c4a8f91a7dded5",
     "036138bf4cd3eb0377683a48f38f7a2ac7c74547bbf71a36b27ea1d93037d132236675e3a1ff6a07406c88c6fd37b4b4",
     "10f6398c24c70b00e749b05209df328ce47dfc25c806ec7b4e0014d4235da7c093ef8d492d15d40d9acd5756c56af4c7",
     ""},
    {"03c2f22dcc90c98d8777ac904dce99bd440048f67b143ceedb41a66d9c3392823ff968360129f8a48c98d0e223c052bf",
     "10d172931333713f61dae8e749a5bad70c32c4b78ef0a665f428ac7af63d1f42fdbe06f524c4c12f706c262a6d3aa91e",
     "070ac8ee5c46220677630107397bf79cdc581541570bb434029e2d6f7dcceb75ef8197a343ee02df1cf49b7e3f538b61",
     "149464c0dfc43acce95295779774549450330dae0a04e354cf6a52e89270b1c53db76f2b25eeb9d3fd04f70c90fafbdd",
     "0cf29184f2dd3ee870b86b5f47748bbd9c44cfc3dfa8a9484e49cc939ca7696360e7613f8db93774d62baab7b685544c",
     "109be0c9f6710263b062c966a806379a6e52f4c23caffce27cb4c489b72a31636a1988b6449cd4193d40f86318daac53",
     "07ebde40a01e21e04f7a7e33f8afc26cbf22d6643ed9b19ca99e8218d59035474242a2b5ed95260a2edb71b2f923b57d",
     ""},
    {"1664b84135bca07e6c24605ebbdc3ce76a57982734c3d50514fbdc05d70b10c8a3e99233cb0bd3273e506cd535d156f3",
     "0336149d2ed40905662c00b6261d14345b74fbdb1d8023cbe295eba8adf9f48579ea11b9caa583fea34a10b1e524a4a8",
     "199e14dbf5b52fc619ad89830457a6c145288345712adb4390d790b2cf593cca0cccaeff4e3e07785ad9364e3ec1c20c",
     "199accde6490a983d2506114e1f9511bc5cc94025243f8d0f791c7ae8505054e1dd3a3ed95b15725e19a7d871af5fb9b",
     "132ea3a406e8977905f85fa895bf28b30ee29c4c1743b1393265f05d29111c4329ff807a00664f289b065c2350acb24b",
     "03eb0a92de694a5285d5d1505aa841c19c7761b90f754202c4a868b8a6f38d0791bd5a87939c98e5bf4d5771649070c4",
     "000493fe68efec9e99319b03b81b98aecac259137e65cd287e74947efbaa4c1f7723ae6796ad6ad9b23f16aead6d1579",
     "1846049024bbe42e2ceb2ac3031dd19034be032bab34de047830d6ebcaa4f3e81c883a0837eb919d3d08b85f5b66b99e"},
    {"1798f434e7daa1e1e361be2b16bad0972801f69389e1f224dffd1241b032dca55c92cb6a63b8bbb107dfbd31a7c02fcd",
     "04efbc9904abc2ae20d1cbb65490a82d31ff096cbb8c530d1958c42f8a0764e27e76c015c532b15996b7d451dce31277",
     "04598ad1e50afce85cb374847c95d1f5ad1b74b71af79bab52635f931c9cc6eafa3fbab67f15bc7b7a0643bcc8152eeb",
     "02879ee3b3067df5b917e22b27ffcbecf589b47b51e93272922503d043894b63bc5d8b8177976d0ae498918384a39799",
     "12a9379be32edf33c28ff274c22a2869f602ed26ce559f17c6a44e12262b77c2de1c0b549e860a577127e8dfcadd1d56",
     "0f70789c7abeea4c96142fbdbdf778f533bba6490548bf0ab81a9324bcee99176210d64c9e835dec4ecc22fc79bcc222",
     "18e3b2939ea258c7fe7416c3afa0c0d9454ecab030a5d1a1e28841ad5af41632e9f003c220785c7a4eafc5f2bf820191",
     "105690c484c4b11def5e81daffbff095ba0737f1d7a9143dbe67435c79e77569895d493f7306d95b5fe5f881a3d252a8"},
    {"155ad00751f5bde0feed30969ad36d0def1bc02ce2e9a39a36b9e2b2b262eb6e8d93a3d07f65046f48fe209aa935cbd3",
     "0adddf503c61ffec0e32f794eea92421e2a6da25510bbf8cc0c6a2e3bc4a939c8c356bcec4318198906a438b0f386e14",
     "156f43e0fb17f40a0efacbd910faea07ccad1e1afbddfa5969dc98e8f7268acb18651c61b8057f6808e4246d22d685fb",
     "06379d6d54d7d732c20480754630e4586d4b4ecd40705067904fb2f577fc88e6fb1d0fa0924286081f696425b86e8f3c",
     "0a7cf0b71593bdf4f0ba3901ac2a48ec0c74e60791dde40d75f33fcef61857d2015e3801bb3382d6b893dd0f99fd5dbf",
     "03835bef7bbb1545fc5e87ba8c1f36c444a4cd77918daba710254d6b1dd9783f0949a30f36207ce557b7975e9d0f01d5",
     "06f388d03872de0ae4fcff3f548926a5f81b12a269a4d7fa3a4df47bf5fecefb022f2929901abb7bd5d275448267a9d4",
     "0a3c8a29ead91ca31260deb9e36b7ce7fbe826406736e471dd1623d0bf99ba22e3b3e831aa4acb558e978ecf9868a1b4"},
    {"14223e41cdd16ad18ad1bde3ac2b869349ec31edd202fd12b8b1ac8e68caebce72827b353ff0f555ba1af7885ef2ff14",
     "0e51965a541b4bc88454e4accb11c46e9892a25ac3419e210217023ba232ac3e3dd6361ef0aaa9079a42a98a252764b7",
     "0246222d46014ea1a85fa9f1fe72b0726465daed25d6d062100203d961024885c18c0cc34723732bc0918666a4e34aca",
     "0872c2b1e86ccfffc40afada33f19e2a7e0788c3a1bf88745397dc29144ca1e891acb1557f479e5d9a5ea112841ab920",
     "05d0a7e779b61f09067cd936e119c224b1598f930ec15ef1b69aaa52c6983f9034ac45164f464c4e1fd84dfe39cb9a5d",
     "0e0b10478ae39c7c49f0020bcc32e26f332903517a1561d38d4e796652d6f377c82bab6d12fbe3bb60d9485571cce89b",
     "175f12e4126299e505e2b67d2861d6ec2dc6109db570d6de1269abca018ee033ae7954bd7a1cab4c97ac39a7cf746e10",
     "1559b29171f208cf8c247dacd483a4110eb5bfbf1f366cc12440b53cc6c043201cff5253ed8e1b6ea87bed17ca401cc4"},
    {"093e07c870deef1498aa52f7a0ae4b3649963260d6fd0631d8d23c03f42b86ca440e545284b2c937f518865026b01f6a",
     "140a84ccd356c0084f7da5f6677ddee0595ab84e69cfedb299be9f6552fe26c6830553a20fb88b0271fb5fe37ff76b7a",
     "1358fd5a5964c3c13a66ddb167c9f6f7006c15eaf82f41391ee6f7b5aa24478b26bc625d81d3ea4a889f1ef6bddefcd3",
     "03477aab0ab5c8829d0c5137c4e07d3f3e799f2a4d47e1250b6008c85078b76ca867a7f5e317543aad14e633a6a7e039",
     "0f3494e5d70815a6944854b77c7c192d54b2c59760b22b3ea6446f3f97de5627dfb500af264e3e353d1c266ca6b85e9b",
     "0bf3263c42cd4f850b7ca6796e57632a0dec0db18ddfae8f36567f6671c8d298a8cc440bb51bdf43ae46f79918d890e9",
     "064e2ed6f5c0831bc21cecb6632471821b474ab73092fda3ae0440036b888405268e0acfeb1986b21842b49a56e79bb6",
     ""},
    {"16b20c87e819e38c54119180620981d0f3d9f1275a389385176b95d7f2c40726645a0d82a638c58361042b048fa760b8",
     "05f3d6a17047d65b1fa1e6218460d61a074952b549afee90e5427be2f968a023f5ed6485aaddc1a8d6070b490a594e9a",
     "14c14e0f99290e0d04350ffcbbdfe4ed4e7d396c76bbc06bc413d8cfd72add6f48b5759dfb0fbc1784e892379a4bd120",
     "02a4d13f1ee1d34d2897cfeba31eab1396abf857b0636f56957d3f19f57bb1263b9b72099fc2872c7d0c364d9a0104a7",
     "10be35e677d20d31346fab5edda8abb6ec909e721088a4f4322919f4f95b67026e6ca8fcfb5b03da8afd1fbb854e121e",
     "15a34a4cb0db75db84565abdca620495deb0c5fb5f7db195ef9b18e0aa937410d47d341b348f03540aae72285b2c17ed",
     "15402257e525e721521676f7f9887dcea3f96ae199cc175144613b3db5130349e62f311ca1a73afdb913309e2edfe4dd",
     "0f77dacfe7301bdf0733636586b25d80f77baa6174fd540eb49cf84c8832283882f57215962cc00962078b57ff5ee7e0"},
};
/* reduce(in) for bls_fp_from_bytes_reduce: big-endian input hex, result */
static const struct red_kat { const char *in, *out; } FP_RED_KAT[] = {
    {"",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"},
    {"3d",
     "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003d"},
    {"39c68ec8af2e0d102a5451c9984130a0",
     "000000000000000000000000000000000000000000000000000000000000000039c68ec8af2e0d102a5451c9984130a0"},
    {"e6be1dd1aa3b79774b7e14c37a41c2b13651a61538905b506e542ca6e7dd5eebd29e96e08a530a7de9149d0a3239ca",
     "00e6be1dd1aa3b79774b7e14c37a41c2b13651a61538905b506e542ca6e7dd5eebd29e96e08a530a7de9149d0a3239ca"},
    {"c846839ed057692785d1d194e51784ca386544a31590814c5a9c02206cb1d7ef1d89ad4a11366cd41bf06e4681d4c362",
     "123f06373dd81aef78103b990e05cae6792234006cecfe1088463fb9addb1cf246d5ad5337ea6cd605f76e4681d718b5"},
    {"4f8ace61ccb0dc3947ac6882407cb48b18516f2cf719b20f96110658a95fb3fb01c148980b1ee10a01aaf330960cc3bc",
     "018798a32031286a6659715f7699ae04eaeb8c9e1c8a79d1607e8e75c54cd18ea5bd489bf722e10ad3adf330960dc3bb"},
    {"2929e0611822d6b672c9ee32de6cd4ee445ba678a590fc2158820e854ac1e7317b4dce902914046ea20dd8fbbc8e9ac3869c86729e5e5247eaab93bbb9d031",
     "15d74ede55277e376a36881b1006877dce5324ef96428e9975e19543e0a93def2e0a6ec529d37ae70c527f6c395e42de"},
    {"ca423447e4aa6a9e0144c8f15e474b9e46f351b141e075502e2f3522dbf1a4239eccb2dea081ccb03ce5c8a778c214c85b73cd9c14113160b4e697fcd189921d",
     "000d03c9ccf2e3ff0921a43edbbcc8416ead408f3975d382302e6038e09c64f15663d1fd50971fe789d8872a67862cc0"},
    {"7d4b35162f3b9e0433ecd9ef8ca60f03a7b11fefd1a03e083688dd1932191659c92a38c78a12fb81fdc55b1da1565f057ef4e8aa2c36fca477388b6d7252b1c2",
     "07ca4e43b39f7150287d7590ec2b50cb3888e145922a509ea8256748a6f1b39b368d730db0b57148241f8b8eac4a3d2d"},
    {"606cc7ff75afc61651a5106118ada4e76b63affed82def06493a279c090a18609dd259d222990330c7652d3f2d6975fcba5b00b7c927ae67f5ad5e12bbdf70af",
     "0b049936122326174af9909b0569a00d5a4f1a430571fa8c8ddc01d6fc760d7caacd32f60f43d6d82f3f7473ea579f5c"},
    {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "02cb5d3a884e56c4fab7cd07ee4e16bc15efebb5d396d7cf82383087033108464532383fa8eaff4e967d3988a62b6c9c"},
    {"1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"},
};
/* END KAT */

/* Deterministic test inputs (xorshift64*), reduced from 64 bytes. */
static struct test_rng rng = TEST_RNG_INIT(0x9e3779b97f4a7c15ULL);

static void test_kat(void)
{
    for (size_t i = 0; i < sizeof FP_KAT / sizeof FP_KAT[0]; i++) {
        const struct fp_kat *k = &FP_KAT[i];
        bls_fp_t a = fp_from_hex(k->a), b = fp_from_hex(k->b), r;
        bls_fp_mul(&r, &a, &b);
        tap_ok(fp_is_hex(&r, k->mul), "kat %zu: mul", i);
        bls_fp_add(&r, &a, &b);
        tap_ok(fp_is_hex(&r, k->add), "kat %zu: add", i);
        bls_fp_sub(&r, &a, &b);
        tap_ok(fp_is_hex(&r, k->sub), "kat %zu: sub", i);
        bls_fp_sqr(&r, &a);
        tap_ok(fp_is_hex(&r, k->sqr), "kat %zu: sqr", i);
        bls_fp_inv(&r, &a);
        tap_ok(fp_is_hex(&r, k->inv), "kat %zu: inv", i);
        bls_fp_inv_vartime(&r, &a);
        tap_ok(fp_is_hex(&r, k->inv), "kat %zu: inv_vartime", i);
        int ok = bls_fp_sqrt(&r, &a);
        if (k->sqrt[0]) {
            bls_fp_t s = fp_from_hex(k->sqrt), ns;
            bls_fp_neg(&ns, &s);
            tap_ok(ok == 1 && (bls_fp_equal(&r, &s) | bls_fp_equal(&r, &ns)), "kat %zu: sqrt = +-expected", i);
            tap_eq(bls_fp_is_square(&a), 1, "kat %zu: is_square", i);
        } else {
            tap_eq(ok, 0, "kat %zu: sqrt reports non-square", i);
            tap_eq(bls_fp_is_square(&a), 0, "kat %zu: not is_square", i);
        }
        uint8_t in[BLS_FP_BYTES], out[BLS_FP_BYTES];
        field_unhex_exact(in, sizeof in, k->a);
        bls_fp_to_bytes(out, &a);
        tap_eq_mem(in, out, BLS_FP_BYTES, "kat %zu: bytes round trip", i);
    }
    for (size_t i = 0; i < sizeof FP_RED_KAT / sizeof FP_RED_KAT[0]; i++) {
        uint8_t in[64];
        size_t n = test_unhex(in, sizeof in, FP_RED_KAT[i].in);
        bls_fp_t r;
        bls_fp_from_bytes_reduce(&r, in, n);
        tap_ok(fp_is_hex(&r, FP_RED_KAT[i].out), "reduce kat %zu (%zu bytes)", i, n);
    }
}

static void test_edges(void)
{
    static const char *bad[] = {
        "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", /* p */
        "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaac", /* p+1 */
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", /* 2^384-1 */
    };
    for (size_t i = 0; i < 3; i++) {
        uint8_t b[BLS_FP_BYTES];
        bls_fp_t r;
        field_unhex_exact(b, sizeof b, bad[i]);
        tap_eq(bls_fp_from_bytes(&r, b), BLS_ERR_NONCANONICAL, "from_bytes rejects %s...", bad[i] + 88);
    }
    bls_fp_t pm1 = fp_from_hex("1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaaa");
    bls_fp_t half = fp_from_hex("0d0088f51cbff34d258dd3db21a5d66bb23ba5c279c2895fb39869507b587b120f55ffff58a9ffffdcff7fffffffd555");
    bls_fp_t half1, r, m1;
    bls_fp_add(&half1, &half, &BLS_FP_ONE);
    bls_fp_neg(&m1, &BLS_FP_ONE);
    tap_eq(bls_fp_equal(&m1, &pm1), 1, "-1 = p-1");
    bls_fp_neg(&r, &BLS_FP_ZERO);
    tap_eq(bls_fp_is_zero(&r), 1, "-0 = 0");
    bls_fp_inv(&r, &BLS_FP_ZERO);
    tap_eq(bls_fp_is_zero(&r), 1, "inv(0) = 0");
    bls_fp_add(&r, &pm1, &BLS_FP_ONE);
    tap_eq(bls_fp_is_zero(&r), 1, "(p-1) + 1 = 0");
    bls_fp_mul(&r, &pm1, &pm1);
    tap_eq(bls_fp_is_one(&r), 1, "(p-1)^2 = 1");
    tap_eq(bls_fp_is_square(&pm1), 0, "-1 is not a square (p = 3 mod 4)");
    tap_ok(bls_fp_is_square(&BLS_FP_ZERO) == 1 && bls_fp_sqrt(&r, &BLS_FP_ZERO) == 1 && bls_fp_is_zero(&r), "sqrt(0) = 0");
    tap_ok(bls_fp_sgn0(&BLS_FP_ONE) == 1 && bls_fp_sgn0(&pm1) == 0 && bls_fp_sgn0(&BLS_FP_ZERO) == 0, "sgn0 of 1, -1, 0");
    tap_ok(bls_fp_is_lexically_largest(&half) == 0 && bls_fp_is_lexically_largest(&half1) == 1 &&
           bls_fp_is_lexically_largest(&pm1) == 1 && bls_fp_is_lexically_largest(&BLS_FP_ZERO) == 0,
           "lexically largest around (p-1)/2");
    bls_fp_from_u64(&r, 7);
    bls_fp_t seven = fp_from_hex("000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000007");
    tap_eq(bls_fp_equal(&r, &seven), 1, "from_u64");
    uint64_t c[BLS_FP_LIMBS];
    bls_fp_to_canonical(c, &seven);
    tap_ok(c[0] == 7 && (c[1] | c[2] | c[3] | c[4] | c[5]) == 0, "to_canonical");
    bls_fp_from_canonical(&r, c);
    tap_eq(bls_fp_equal(&r, &seven), 1, "from_canonical");
    bls_fp_t x = seven, y = BLS_FP_ONE;
    bls_fp_cswap(&x, &y, 0);
    tap_ok(bls_fp_equal(&x, &seven) && bls_fp_is_one(&y), "cswap 0");
    bls_fp_cswap(&x, &y, 1);
    tap_ok(bls_fp_equal(&y, &seven) && bls_fp_is_one(&x), "cswap 1");
    bls_fp_cmov(&x, &seven, 0);
    tap_eq(bls_fp_is_one(&x), 1, "cmov 0");
    bls_fp_cmov(&x, &seven, 1);
    tap_eq(bls_fp_equal(&x, &seven), 1, "cmov 1");
}

/* Internal contract used by fp2.c (fp_wide.h): bls_fp_mul also accepts factors
 * below 2p, e.g. unreduced sums, and still returns a reduced result. */
static bls_fp_t raw_sum(const bls_fp_t *a, const bls_fp_t *b)
{
    bls_fp_t s;
    unsigned __int128 c = 0;
    for (int i = 0; i < BLS_FP_LIMBS; i++) {
        c += (unsigned __int128)a->l[i] + b->l[i];
        s.l[i] = (uint64_t)c;
        c >>= 64;
    }
    return s;
}

static void test_lazy_inputs(void)
{
    int ok = 1;
    bls_fp_t m1;
    bls_fp_neg(&m1, &BLS_FP_ONE);
    for (int i = 0; i < 200; i++) {
        bls_fp_t a = fp_rand(&rng), b = fp_rand(&rng), c = fp_rand(&rng), d = fp_rand(&rng);
        if (i == 0)
            a = b = c = d = m1; /* 2p - 2, the largest raw sum */
        bls_fp_t s1 = raw_sum(&a, &b), s2 = raw_sum(&c, &d), r1, r2, e1, e2;
        bls_fp_add(&e1, &a, &b);
        bls_fp_add(&e2, &c, &d);
        bls_fp_mul(&r1, &s1, &s2);
        bls_fp_mul(&r2, &e1, &e2);
        ok &= (int)bls_fp_equal(&r1, &r2);
        bls_fp_mul(&r1, &s1, &c);
        bls_fp_mul(&r2, &e1, &c);
        ok &= (int)bls_fp_equal(&r1, &r2);
        /* the result must be fully reduced, not just congruent */
        uint8_t buf[BLS_FP_BYTES];
        bls_fp_to_bytes(buf, &r1);
        ok &= bls_fp_from_bytes(&r2, buf) == BLS_OK && bls_fp_equal(&r1, &r2);
    }
    tap_ok(ok, "fp_mul with factors < 2p (lazy inputs) = reduced product");
}

/* The constant-time inverse (safegcd, fixed divstep count) against the
 * variable-time Euclid on many inputs, including the worst cases for a
 * divstep bound: small values, powers of two and values just below p. */
static void test_inverse_stress(void)
{
    int ok = 1;
    bls_fp_t x, y, z, one_canon;
    bls_fp_from_u64(&one_canon, 1);
    for (int i = 0; i < 3000; i++) {
        if (i < 64) {
            uint64_t c[BLS_FP_LIMBS] = {0};
            c[0] = (uint64_t)1 << i; /* 2^i as a canonical value */
            bls_fp_from_canonical(&x, c);
        } else if (i < 128) {
            uint64_t c[BLS_FP_LIMBS] = {0};
            c[(i - 64) % BLS_FP_LIMBS] = 1;
            bls_fp_from_canonical(&x, c);
            bls_fp_neg(&x, &x); /* p - 2^(64k) */
        } else if (i < 200) {
            bls_fp_from_u64(&x, (uint64_t)i);
        } else {
            x = fp_rand(&rng);
        }
        bls_fp_inv(&y, &x);
        bls_fp_inv_vartime(&z, &x);
        ok &= (int)bls_fp_equal(&y, &z);
        bls_fp_mul(&z, &y, &x);
        ok &= (int)bls_fp_is_one(&z);
    }
    /* Montgomery representative 1 (the integer 1 fed to the divsteps). */
    uint64_t c1[BLS_FP_LIMBS] = {1};
    memcpy(x.l, c1, sizeof c1);
    bls_fp_inv(&y, &x);
    bls_fp_mul(&z, &y, &x);
    ok &= (int)bls_fp_is_one(&z);
    tap_ok(ok, "fp_inv = fp_inv_vartime, a * a^-1 = 1 on 3000 inputs incl. 2^i, p - 2^(64k)");
}

static void test_identities(void)
{
    int ok_comm = 1, ok_assoc = 1, ok_dist = 1, ok_inv = 1, ok_sqrt = 1, ok_sqr = 1, ok_sub = 1;
    int ok_pow = 1, ok_bytes = 1, ok_dbl = 1;
    for (int i = 0; i < 200; i++) {
        bls_fp_t a = fp_rand(&rng), b = fp_rand(&rng), c = fp_rand(&rng), t, u, w;
        ok_comm &= fp_check_comm(&a, &b);
        ok_assoc &= fp_check_assoc(&a, &b, &c);
        ok_dist &= fp_check_dist(&a, &b, &c);
        bls_fp_inv(&t, &a);
        bls_fp_inv_vartime(&u, &a);
        ok_inv &= (int)bls_fp_equal(&t, &u) & fp_check_inv(&a);
        ok_sqr &= fp_check_sqr(&a);
        ok_sqrt &= fp_check_sqrt_of_square(&a);
        ok_sub &= fp_check_sub(&a, &b);
        bls_fp_dbl(&t, &a);
        bls_fp_add(&u, &a, &a);
        ok_dbl &= (int)bls_fp_equal(&t, &u);
        uint64_t e[2] = {test_rng_u64(&rng), test_rng_u64(&rng) & 0xff};
        bls_fp_pow_vartime(&t, &a, e, 2);
        w = BLS_FP_ONE;
        for (int bit = 71; bit >= 0; bit--) {
            bls_fp_sqr(&w, &w);
            if ((e[bit / 64] >> (bit % 64)) & 1)
                bls_fp_mul(&w, &w, &a);
        }
        ok_pow &= (int)bls_fp_equal(&t, &w);
        uint8_t buf[BLS_FP_BYTES];
        bls_fp_to_bytes(buf, &a);
        ok_bytes &= bls_fp_from_bytes(&t, buf) == BLS_OK && bls_fp_equal(&t, &a);
    }
    tap_ok(ok_comm, "a*b = b*a");
    tap_ok(ok_assoc, "(a*b)*c = a*(b*c)");
    tap_ok(ok_dist, "a*(b+c) = a*b + a*c");
    tap_ok(ok_inv, "a * a^-1 = 1, inv_vartime = inv");
    tap_ok(ok_sqr, "sqr(a) = a*a");
    tap_ok(ok_sqrt, "sqrt(a^2) = +-a");
    tap_ok(ok_sub, "(a-b)+b = a");
    tap_ok(ok_dbl, "dbl(a) = a+a");
    tap_ok(ok_pow, "pow_vartime = square-and-multiply");
    tap_ok(ok_bytes, "to_bytes / from_bytes round trip");
    /* Half of the non-zero elements are squares: a random sample should be mixed. */
    int squares = 0, agree = 1;
    for (int i = 0; i < 64; i++) {
        bls_fp_t a = fp_rand(&rng);
        agree &= fp_check_sqrt_random(&a, &squares);
    }
    tap_ok(squares > 10 && squares < 54, "is_square splits random elements (%d/64)", squares);
    tap_ok(agree, "sqrt succeeds exactly on squares");
}

static void test_all(void)
{
    test_kat();
    test_edges();
    test_identities();
    test_lazy_inputs();
    test_inverse_stress();
}

int main(void)
{
    /* Everything twice when the CPU has the BMI2/ADX multiplication: once on
     * that path and once on the portable C path. */
    field_test_each_fp_path(test_all);
    return tap_done();
}
