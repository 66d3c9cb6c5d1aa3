"""Build the evaluation set (``*.jsonl``) from hand-labelled markup.

``notes.txt`` holds hand-written lines; the templates below are hand-written too, filled from value
pools whose labels come from the template (never from the detector). Markup: ``[[kind:text]]``.
Run: ``python tests/detect/eval/make_eval.py`` (deterministic).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

HERE = Path(__file__).parent
MARK = re.compile(r"\[\[([a-z_]+):(.+?)\]\]")


def unmark(line: str) -> dict:
    text, spans, pos = [], [], 0
    out_len = 0
    for m in MARK.finditer(line):
        chunk = line[pos : m.start()]
        text.append(chunk)
        out_len += len(chunk)
        spans.append({"start": out_len, "end": out_len + len(m.group(2)), "kind": m.group(1)})
        text.append(m.group(2))
        out_len += len(m.group(2))
        pos = m.end()
    text.append(line[pos:])
    return {"text": "".join(text), "spans": spans}


FW = str.maketrans("0123456789-", "０１２３４５６７８９－")

NAMES = [  # (surname, given, kana surname, kana given); a few rare surnames on purpose
    ("佐藤", "健太", "サトウ", "ケンタ"),
    ("鈴木", "花子", "スズキ", "ハナコ"),
    ("高橋", "翔", "タカハシ", "ショウ"),
    ("田中", "美穂", "タナカ", "ミホ"),
    ("伊藤", "大輔", "イトウ", "ダイスケ"),
    ("渡辺", "愛", "ワタナベ", "アイ"),
    ("山本", "隆", "ヤマモト", "タカシ"),
    ("中村", "由美", "ナカムラ", "ユミ"),
    ("小林", "誠", "コバヤシ", "マコト"),
    ("加藤", "恵子", "カトウ", "ケイコ"),
    ("吉田", "拓也", "ヨシダ", "タクヤ"),
    ("山口", "真由美", "ヤマグチ", "マユミ"),
    ("松本", "浩二", "マツモト", "コウジ"),
    ("井上", "彩", "イノウエ", "アヤ"),
    ("木村", "直人", "キムラ", "ナオト"),
    ("斎藤", "陽子", "サイトウ", "ヨウコ"),
    ("清水", "亮", "シミズ", "リョウ"),
    ("山崎", "千尋", "ヤマザキ", "チヒロ"),
    ("池田", "修", "イケダ", "オサム"),
    ("橋本", "麻衣", "ハシモト", "マイ"),
    ("石川", "淳", "イシカワ", "ジュン"),
    ("前田", "美香", "マエダ", "ミカ"),
    ("藤田", "一郎", "フジタ", "イチロウ"),
    ("後藤", "智子", "ゴトウ", "トモコ"),
    ("岡田", "健", "オカダ", "ケン"),
    ("長谷川", "香織", "ハセガワ", "カオリ"),
    ("村上", "悠斗", "ムラカミ", "ユウト"),
    ("金子", "裕子", "カネコ", "ユウコ"),
    ("比嘉", "大樹", "ヒガ", "ダイキ"),
    ("五十嵐", "早苗", "イガラシ", "サナエ"),
    ("鬼頭", "正樹", "キトウ", "マサキ"),
    ("東海林", "陽菜", "ショウジ", "ヒナ"),
    ("御手洗", "学", "ミタライ", "マナブ"),
    ("猪俣", "美咲", "イノマタ", "ミサキ"),
    ("栗山", "達也", "クリヤマ", "タツヤ"),
]
ADDRS = [  # (postal, address-with-block, building or "")
    ("100-0005", "東京都千代田区丸の内1-9-1", "グラントウキョウ"),
    ("160-0023", "東京都新宿区西新宿2-8-1", ""),
    ("220-0012", "神奈川県横浜市西区みなとみらい3-1-1", "ハイツ301"),
    ("530-0011", "大阪府大阪市北区大深町4-20", ""),
    ("450-0002", "愛知県名古屋市中村区名駅1丁目1番4号", ""),
    ("812-0011", "福岡県福岡市博多区博多駅前2-1-1", "博多ビル8F"),
    ("060-0001", "北海道札幌市中央区北1条西4丁目2番地", ""),
    ("980-0811", "宮城県仙台市青葉区一番町3-7-1", ""),
    ("604-8571", "京都府京都市中京区寺町通御池上る上本能寺前町488番地", ""),
    ("730-0011", "広島県広島市中区基町6-78", ""),
    ("330-0063", "埼玉県さいたま市浦和区高砂3-15-1", "コーポ浦和102"),
    ("260-0013", "千葉県千葉市中央区中央4-5-1", ""),
    ("650-0001", "兵庫県神戸市中央区加納町6-5-1", ""),
    ("951-8550", "新潟県新潟市中央区学校町通1番町602番地1", ""),
    ("380-8570", "長野県長野市大字南長野字幅下692-2", ""),
    ("900-8570", "沖縄県那覇市泉崎1-2-2", ""),
    ("420-8601", "静岡県静岡市葵区追手町9-6", ""),
    ("862-8570", "熊本県熊本市中央区水前寺6丁目18番1号", ""),
    ("192-0083", "八王子市旭町1-1", ""),
    ("212-0013", "川崎市幸区堀川町580", ""),
]
BIRTHS = [
    "昭和55年3月14日",
    "平成2年11月3日",
    "1978年6月21日",
    "1992/02/29",
    "S48.7.7",
    "H5.10.1",
    "令和元年5月1日",
    "昭和６２年１月１５日",
    "1965-12-08",
    "平成11年8月30日",
    "19880405",
    "１９７０年１月２日",
]
PAY_DATES = ["2026年5月6日", "令和8年6月27日", "2026/07/10", "2026-08-31", "R8.9.27", "平成30年4月1日"]
MYNUMS = [
    "341672110680",
    "403885421439",
    "044324451959",
    "683237418409",
    "494836694670",
    "234401074881",
    "752316374257",
    "695835103496",
    "931524700518",
    "450545269142",
    "937424692591",
    "050725549170",
]
BAD_MYNUMS = ["337670367363", "730044383364", "250591960761", "639254756834", "567143069240", "279766303209"]
CARDS = [
    "4768654769042878",
    "4172802939590066",
    "4516937596816217",
    "4220278877596344",
    "4855912249821780",
    "5715487205444650",
    "5166787927824541",
    "5975852339591467",
    "3546829636452473",
    "3570426386513643",
    "3545343738375625",
    "377343708293880",
    "379640563642624",
    "36952926540774",
    "36419746223957",
]
BAD_CARDS = [
    "6719369660267875",
    "4822724012284742",
    "6592599078293552",
    "4983950919558990",
    "4559686182202956",
    "5804123403100275",
    "4866885028440844",
    "5177593070347355",
]
PHONES = [
    "090-1234-5678",
    "080-2468-1357",
    "070-1111-2222",
    "03-3210-4567",
    "06-6543-2109",
    "011-222-3333",
    "0466-22-1234",
    "050-5555-0123",
    "0120-444-888",
    "0800-123-4567",
    "045-671-2345",
    "092-711-4111",
]
EMAIL_USERS = ["k.sato", "hanako", "t-ito88", "miho.tanaka", "yamamoto_t", "info+jp", "abc.def123"]
EMAIL_DOMAINS = ["example.co.jp", "example.com", "mail.example.ne.jp", "example.jp", "docomo.ne.jp"]
SPECIAL = [
    ("糖尿病", "通院"),
    ("乳がん", "手術"),
    ("うつ病", "服薬"),
    ("心筋梗塞", "入院"),
    ("統合失調症", "通院"),
    ("喘息", "治療"),
    ("白血病", "化学療法"),
    ("肝炎", "投薬"),
]


def fmt_phone(r: random.Random, p: str) -> str:
    style = r.randrange(7)
    digits = p.replace("-", "")
    if style == 0:
        return p
    if style == 1:
        return digits
    if style == 2:
        return p.translate(FW)
    if style == 3:
        return p.replace("-", " ")
    if style == 4 and not p.startswith(("0120", "0800")):
        return "+81-" + p[1:]
    if style == 5 and not p.startswith(("0120", "0800", "050", "070", "080", "090")):
        a, b, c = p.split("-")
        return f"{a}({b}){c}"
    return p.replace("-", "ー") if style == 6 else p


def fmt_mn(r: random.Random, n: str) -> str:
    s = r.randrange(3)
    return (
        n
        if s == 0
        else (f"{n[:4]} {n[4:8]} {n[8:]}" if s == 1 else f"{n[:4]}-{n[4:8]}-{n[8:]}".translate(FW))
    )


def fmt_card(r: random.Random, c: str) -> str:
    s = r.randrange(3)
    if s == 0:
        return c
    sep = " " if s == 1 else "-"
    if len(c) == 16:
        return sep.join(c[i : i + 4] for i in range(0, 16, 4))
    return sep.join((c[:4], c[4:10], c[10:]))


def templates(r: random.Random) -> list[str]:
    out: list[str] = []
    for i in range(170):
        sn, gn, ks, kg = r.choice(NAMES)
        postal, addr, bldg = r.choice(ADDRS)
        phone = fmt_phone(r, r.choice(PHONES))
        email = f"{r.choice(EMAIL_USERS)}@{r.choice(EMAIL_DOMAINS)}"
        birth = r.choice(BIRTHS)
        pay = r.choice(PAY_DATES)
        mn = fmt_mn(r, r.choice(MYNUMS))
        card = fmt_card(r, r.choice(CARDS))
        dis, tr = r.choice(SPECIAL)
        amount = f"{r.randrange(1, 999):,}{r.randrange(0, 999):03d}"
        t = i % 17
        if t == 0:
            out.append(
                f"【申込書】氏名：[[person_name:{sn} {gn}]]　フリガナ：[[person_name:{ks} {kg}]]　生年月日：[[birth_date:{birth}]]"
                f"　住所：〒[[postal_code:{postal}]] [[address:{addr}]]{bldg}　電話：[[phone:{phone}]]"
            )
        elif t == 1:
            out.append(
                f"{r.randrange(1, 12)}/{r.randrange(1, 28)} 入電 [[person_name:{sn}]]様より。連絡先 [[phone:{phone}]]、"
                f"メール [[email:{email}]]。お支払日 {pay} の変更希望、金額 {amount}円。"
            )
        elif t == 2:
            out.append(
                f"[[person_name:{sn}{gn}]]様\nいつもご利用ありがとうございます。ご請求額 ¥{amount}、引落日 {pay}。"
                f"お問い合わせ：[[phone:{fmt_phone(r, '0120-444-888')}]]"
            )
        elif t == 3:
            out.append(f"マイナンバー提出：[[my_number:{mn}]]（[[person_name:{sn} {gn}]]）。本人確認済。")
        elif t == 4:
            out.append(
                f"カード番号 [[credit_card:{card}]] 名義 [[person_name:{ks} {kg}]]。注文番号 {r.choice(BAD_CARDS)}。"
            )
        elif t == 5:
            out.append(
                f"[[person_name:{sn}]]さんは[[special_care:{dis}]]のため[[special_care:{tr}]]中。"
                f"次回面談は{pay}、契約番号 {r.randrange(10_000_000, 99_999_999)}。"
            )
        elif t == 6:
            out.append(f"送付先：[[address:{addr}]] {bldg} [[person_name:{sn} {gn}]] 様")
        elif t == 7:
            out.append(
                f"管理番号 {r.choice(BAD_MYNUMS)} / 受付日時 2026-{r.randrange(1, 12):02d}-{r.randrange(1, 28):02d} "
                f"{r.randrange(0, 23):02d}:{r.randrange(0, 59):02d} / 担当 [[person_name:{sn}]]"
            )
        elif t == 8:
            out.append(
                f"From: [[person_name:{sn} {gn}]] <[[email:{email}]]>\nSubject: 住所変更\n新住所は[[address:{addr}]]です。"
                f"電話は[[phone:{phone}]]へお願いします。"
            )
        elif t == 9:
            out.append(f"生年月日 [[birth_date:{birth}]]／契約日 {pay}／更新日 {r.choice(PAY_DATES)}")
        elif t == 10:
            out.append(
                f"〒[[postal_code:{postal.translate(FW) if r.random() < 0.4 else postal}]]\n[[address:{addr}]]{bldg}\n"
                f"[[person_name:{sn}]] 様"
            )
        elif t == 11:
            out.append(
                f"請求書番号 INV-{r.randrange(100000, 999999)}、合計 {amount}円（うち消費税 {r.randrange(100, 9999):,}円）。"
                f"支払期限 {pay}。"
            )
        elif t == 12:
            out.append(
                f"連帯保証人：[[person_name:{sn} {gn}]]（[[birth_date:{birth}]]生）　勤務先電話 [[phone:{phone}]]"
            )
        elif t == 13:
            out.append(f"個人番号 [[my_number:{mn}]] とカード [[credit_card:{card}]] を誤って同じ欄に記載。")
        elif t == 14:
            out.append(
                f"振込先 普通 [[bank_account:{r.randrange(1_000_000, 9_999_999)}]] / 口座名義 [[person_name:{ks} {kg}]]"
            )
        elif t == 15:
            out.append(
                f"ログ {r.randrange(2020, 2026)}/{r.randrange(1, 12)}/{r.randrange(1, 28)} "
                f"{r.randrange(0, 23)}:{r.randrange(10, 59)}:{r.randrange(10, 59)} 処理件数 {r.randrange(1000, 99999):,} 件、"
                f"エラーコード E{r.randrange(100, 999)}。"
            )
        else:
            out.append(
                f"[[person_name:{sn}]]様 TEL [[phone:{phone}]] email [[email:{email}]] 〒[[postal_code:{postal}]]"
            )
    for _ in range(36):
        sn, gn, ks, kg = r.choice(NAMES)
        lic = f"{r.randrange(10, 97)}{r.randrange(10**9, 10**10)}"
        pp = f"{r.choice(['TK', 'TR', 'MZ', 'TZ', 'RE'])}{r.randrange(10**6, 10**7):07d}"
        pen = f"{r.randrange(1000, 9999)}-{r.randrange(100000, 999999)}"
        k = r.randrange(4)
        if k == 0:
            out.append(
                f"本人確認：運転免許証（番号 [[drivers_license:{lic}]]）で[[person_name:{sn} {gn}]]様を確認。"
            )
        elif k == 1:
            out.append(f"旅券番号 [[passport:{pp}]]　氏名 [[person_name:{ks} {kg}]]　発行 2022年4月1日")
        elif k == 2:
            out.append(f"基礎年金番号：[[basic_pension_number:{pen}]]（年金手帳より転記）")
        else:
            out.append(
                f"免許証番号[[drivers_license:{lic.translate(FW)}]]、有効期限 令和{r.randrange(8, 12)}年{r.randrange(1, 12)}月{r.randrange(1, 28)}日まで"
            )
    return out


def main() -> None:
    r = random.Random(20261125)
    hand = [
        ln
        for ln in (HERE / "notes.txt").read_text(encoding="utf-8").splitlines()
        if ln and not ln.startswith("#")
    ]
    gen = templates(r)
    held = [
        ln
        for ln in (HERE / "heldout.txt").read_text(encoding="utf-8").splitlines()
        if ln and not ln.startswith("#")
    ]
    held2 = [
        ln
        for ln in (HERE / "heldout2.txt").read_text(encoding="utf-8").splitlines()
        if ln and not ln.startswith("#")
    ]
    sets = (("notes.jsonl", hand), ("forms.jsonl", gen), ("heldout.jsonl", held), ("heldout2.jsonl", held2))
    for name, lines in sets:
        with (HERE / name).open("w", encoding="utf-8") as f:
            for ln in lines:
                f.write(json.dumps(unmark(ln.replace("\\n", "\n")), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
