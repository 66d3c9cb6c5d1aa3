"""The notice's own words in Japanese and English: headings, field labels, fixed sentences, enum labels.

Everything the policy does not say itself but a reader needs (a heading, "手数料", the statement that My
Number is used only for the listed affairs) lives here, once per language, so that the two formats and
the two languages can never drift apart in wording. Fixed Japanese sentences say 当社; :func:`fill` puts
the company's own word for itself (``notice.we``, e.g. 弊社) in its place. Wording the notice shares with
the ledger lives outside the notice: periods in :mod:`hogo.policy.wording`, category names in
:mod:`hogo.law.categories`.
"""

from __future__ import annotations

from hogo.policy.wording import Lang

__all__ = [
    "COUNTRIES", "CROSS_BORDER_BASIS", "LABELS", "MONTHS_EN", "NUMBERS_EN", "PROVISION_BASIS", "REQUEST_TYPES",
    "RESPONSE_METHODS", "RE_OUTSOURCING", "SPECIAL_CARE_GROUNDS", "Lang", "country_name", "fill", "label",
]

LABELS: dict[str, dict[str, str]] = {
    "ja": {
        # document
        "toc": "目次",
        "established": "制定日",
        "revised": "改定日",
        "effective": "施行日",
        "none": "—",
        "list_sep": "、",
        "default_preamble": (
            "{org}(以下「当社」といいます。)は、個人情報の保護に関する法律{mna}その他の関係法令及び"
            "ガイドラインを遵守し、お客様をはじめとする皆様の個人情報を適切に取り扱います。"
            "本書は、当社における個人情報の取扱いについてご説明するものです。"
        ),
        "default_preamble_mna": "、行政手続における特定の個人を識別するための番号の利用等に関する法律(番号法)",
        # section titles
        "operator": "個人情報取扱事業者",
        "purposes": "個人情報の利用目的",
        "my_number": "個人番号及び特定個人情報の利用目的",
        "special_care": "要配慮個人情報及び機微(センシティブ)情報の取扱い",
        "items": "取り扱う個人情報の項目",
        "third_party": "個人データの第三者提供",
        "joint_use": "個人データの共同利用",
        "outsourcing": "個人データの取扱いの委託",
        "cross_border": "外国にある第三者への提供",
        "credit_bureaus": "個人信用情報機関への登録・利用",
        "consent": "同意書面",
        "security": "安全管理のために講じた措置",
        "requests": "保有個人データの開示等の請求手続",
        "retention": "個人情報の保存期間",
        "anonymized": "匿名加工情報の取扱い",
        "pseudonymized": "仮名加工情報の取扱い",
        "cookies": "Cookie等の利用",
        "children": "未成年の方の個人情報",
        "breach": "漏えい等が発生した場合の対応",
        "contact": "苦情・お問い合わせ窓口",
        "accredited": "認定個人情報保護団体",
        # operator
        "org_name": "名称",
        "org_address": "所在地",
        "org_representative": "代表者",
        "org_corporate_number": "法人番号",
        "org_business": "事業内容",
        "org_privacy_manager": "個人情報保護管理者",
        "org_url": "ウェブサイト",
        "org_group": "本書の対象範囲",
        # purposes
        "purposes_intro": "当社は、取得した個人情報を、次の利用目的の達成に必要な範囲内で利用します。",
        "purposes_of": "{subject}の個人情報",
        "subjects_intro": "本書における次の用語は、それぞれ次の方をいいます。",
        "purposes_common": "すべての方に共通の利用目的",
        "purposes_dm_mark": "(※)",
        "purposes_dm_note": (
            "※印の利用目的(ダイレクトマーケティング)による利用は、ご本人からお申出があった場合には中止します。"
            "お申出は「{desk}」で承ります。"
        ),
        "purposes_my_number_ref": "個人番号(マイナンバー)の利用目的は「{section}」に記載しています。",
        # my number
        "my_number_intro": (
            "当社は、行政手続における特定の個人を識別するための番号の利用等に関する法律(番号法)に基づき、"
            "個人番号及び特定個人情報を次の事務の範囲内でのみ利用します。ご本人の同意があっても、これ以外の目的には"
            "利用せず、番号法で認められる場合を除き第三者に提供しません。"
        ),
        # special care / sensitive
        "special_care_sub": "要配慮個人情報",
        "sensitive_sub": "機微(センシティブ)情報",
        "special_care_grounds": "次の利用目的については、法第20条第2項に定める場合に限り、ご本人の同意を得ずに要配慮個人情報を取得することがあります。",
        "ground": "根拠",
        # items
        "items_intro": "当社が取り扱う主な個人情報の項目は次のとおりです。",
        "item": "項目",
        "category": "区分",
        "subjects": "対象となる方",
        "description": "説明",
        "necessity": "取得が必要な理由",
        "never_collected": "取得しない情報",
        "never_collected_intro": "当社は、次の情報を取得しません。",
        "all_subjects": "すべての方",
        # third party
        "provision_exceptions": "ご本人の同意を得ずに提供する場合",
        "provision_exceptions_intro": "次の場合には、ご本人の同意を得ずに個人データを提供することがあります。",
        "recipients": "提供先",
        "recipient": "提供先",
        "recipient_address": "所在地",
        "recipient_representative": "代表者",
        "country": "所在国",
        "basis": "提供の根拠",
        "provided_items": "提供する項目",
        "recipient_purpose": "提供先における利用目的",
        "method": "提供の方法",
        "opt_out": "オプトアウトによる第三者提供",
        "opt_out_intro": (
            "当社は、次のとおり、ご本人の求めに応じて提供を停止することを前提に、個人データを第三者に提供しています"
            "(法第27条第2項)。"
        ),
        "opt_out_purpose": "第三者への提供を利用目的とすること",
        "opt_out_acquisition": "取得の方法",
        "opt_out_request": "提供の停止の求めを受け付ける方法",
        "opt_out_update": "提供する項目等の更新の方法",
        "opt_out_start": "提供の開始予定日",
        "opt_out_filed": "個人情報保護委員会への届出日",
        "opt_out_stop": "ご本人の求めに応じて、当該ご本人が識別される個人データの第三者への提供を停止します。",
        # joint use
        "joint_use_intro": "当社は、次のとおり個人データを共同して利用します(法第27条第5項第3号)。",
        "joint_items": "共同して利用される個人データの項目",
        "joint_members": "共同して利用する者の範囲",
        "joint_purposes": "利用する者の利用目的",
        "joint_responsible": "個人データの管理について責任を有する者",
        "joint_representative": "代表者",
        "joint_acquisition": "取得の方法",
        "joint_since": "共同利用の開始日",
        "joint_published_in": "共同利用の詳細は、{where}に掲載しています。",
        # outsourcing
        "outsourcing_criteria": "委託先の選定基準",
        "outsourcees": "主な委託先",
        "outsourcee": "委託先",
        "service": "委託する業務",
        "re_outsourcing": "再委託",
        "outsourcing_items": "委託する項目",
        "remarks": "備考",
        "group_company": "当社グループ会社",
        "outsourcee_of": "「{service}」の委託先",
        "my_number_affairs": "個人番号関係事務を含む",
        "contract_clauses": "委託契約に定める事項",
        # cross border
        "cb_intro": "当社は、次のとおり外国にある第三者に個人データを提供しています(法第28条)。",
        "cb_recipient": "提供先",
        "cb_parties": "対象となる提供先・委託先",
        "cb_countries": "提供先の所在国",
        "cb_basis": "提供の根拠",
        "cb_purpose": "利用目的",
        "cb_items": "提供する項目",
        "cb_country_system": "当該国における個人情報の保護に関する制度",
        "cb_measures": "提供先が講ずる個人情報の保護のための措置",
        "cb_unidentified": "所在国を特定できない理由",
        "cb_periodic": "提供先における取扱状況の定期的な確認",
        "cb_not_identified": "現時点では特定できません",
        # credit bureaus
        "cb_bureau_intro": (
            "当社は、お申込みの審査及びお取引の管理のため、当社が加盟する個人信用情報機関に照会し、ご本人の個人情報が"
            "登録されている場合にはこれを利用します。また、お取引に関する個人情報を当該機関に登録します。"
            "登録された情報は、当該機関及びその加盟会員によって、ご本人の返済能力・支払能力の調査のために利用されます。"
        ),
        "bureau_name": "名称",
        "bureau_address": "所在地",
        "bureau_phone": "電話番号",
        "toll_free": "フリーダイヤル",
        "bureau_url": "ウェブサイト",
        "designated_under": "指定の根拠法令",
        "designated_suffix": "に基づく指定信用情報機関",
        "partners": "提携する個人信用情報機関",
        "inquiry": "照会",
        "inquiry_threshold": "お申込金額が{yen}を超えるお申込みについては、全件照会します。",
        "bureau_provided": "登録する主な項目",
        "info_type": "登録情報",
        "registered_items": "登録される項目",
        "registration_period": "登録期間",
        "shared_with_partners": "提携機関との交流",
        "yes": "あり",
        # consent
        "consent_intro": "当社は、次の書面によりご本人の同意をいただいています。",
        "consent_title": "書面",
        "consent_version": "版",
        "consent_effective": "適用開始日",
        # security
        "security_intro": (
            "当社は、取り扱う個人データの漏えい、滅失又は毀損の防止その他の安全管理のため、次の措置を講じています。"
        ),
        "security_generic": (
            "当社は、取り扱う個人データの漏えい、滅失又は毀損の防止その他の安全管理のため、必要かつ適切な措置を"
            "講じています。具体的な内容については、下記窓口までお問い合わせください。"
        ),
        "sec_basic_policy": "基本方針の策定",
        "sec_rules": "個人データの取扱いに係る規律の整備",
        "sec_organizational": "組織的安全管理措置",
        "sec_human": "人的安全管理措置",
        "sec_physical": "物理的安全管理措置",
        "sec_technical": "技術的安全管理措置",
        "sec_external": "外的環境の把握",
        "foreign_handling": "個人データを取り扱う外国：{countries}",
        # requests
        "requests_intro": (
            "ご本人又はその代理人は、当社の保有個人データについて、次の請求をすることができます。"
            "請求は、次の手続によりお受けします。"
        ),
        "req_desk": "受付窓口",
        "req_how": "請求の方法",
        "req_forms": "所定の書式",
        "req_types": "請求の種類・手数料・回答期限",
        "req_type": "請求の種類",
        "req_fee": "手数料",
        "req_deadline": "回答期限",
        "req_note": "備考",
        "fee_free": "無料",
        "fee_prescribed": "所定の手数料",
        "tax_included": "税込",
        "tax_excluded": "税別",
        "deadline_days": "受付から{n}営業日以内",
        "deadline_none": "遅滞なく",
        "req_identity": "ご本人であることの確認",
        "photo_docs": "顔写真付きの書類(次のいずれか1点)",
        "non_photo_docs": "顔写真のない書類(次のうち{n}点)",
        "req_agents": "代理人による請求",
        "agent_legal_representative": "法定代理人",
        "agent_appointed": "任意代理人",
        "agent_proofs": "必要書類",
        "req_response": "回答の方法",
        "req_payment": "手数料のお支払い",
        "payment_deadline": (
            "手数料のお支払いは、当社からのご連絡後{n}日以内にお願いいたします。期限内にお支払いを確認できない場合は、"
            "ご請求がなかったものとして取り扱います。"
        ),
        "req_refusal": "開示等に応じられない場合",
        "refusal_intro": "次のいずれかに該当する場合は、ご請求の全部又は一部に応じられないことがあります。",
        "refusal_notice": "開示等に応じない旨を決定した場合は、その旨を理由とともに{n}日以内に書面でお知らせします。",
        "req_alternative": "代替措置",
        # retention
        "retention_intro": "当社は、個人情報を次の期間保存し、期間経過後は遅滞なく消去又は廃棄します。",
        "ret_target": "対象",
        "ret_subjects": "対象となる方",
        "ret_period": "保存期間",
        "ret_basis": "根拠法令",
        "ret_disposal": "消去・廃棄の方法",
        "ret_floor": "ただし、{bureau}における「{info}」の登録期間を下回りません。",
        # anonymized / pseudonymized
        "proc_items": "含まれる個人に関する情報の項目",
        "proc_method": "提供の方法",
        "proc_purposes": "利用目的",
        "anonymized_default": "当社は、匿名加工情報を作成しています。",
        "pseudonymized_default": "当社は、仮名加工情報を作成しています。",
        # cookies
        "cookie_uses": "Cookie等の利用目的",
        "analytics": "アクセス解析ツール",
        "tool": "ツール",
        "provider": "提供者",
        "tool_purpose": "利用目的",
        "opt_out_link": "無効化(オプトアウト)",
        "cookie_linked": (
            "当社は、Cookie等により取得した情報を、会員情報等と紐付けて個人データとして取り扱う場合があります。"
        ),
        # children
        "children_age": "{age}歳未満の方は、保護者の方の同意を得たうえで個人情報をご提供ください。",
        # breach
        "breach_notify": (
            "個人データの漏えい、滅失若しくは毀損又はそのおそれが生じた場合は、法令に従い、個人情報保護委員会に報告し、"
            "ご本人に通知します。"
        ),
        # desks
        "contact_intro": "個人情報の取扱いに関する苦情・ご相談・お問い合わせは、次の窓口で承ります。",
        "desk_name": "窓口",
        "desk_handles": "受付内容",
        "desk_address": "所在地",
        "desk_phone": "電話番号",
        "desk_fax": "FAX",
        "desk_email": "電子メール",
        "desk_url": "ウェブサイト",
        "desk_hours": "受付時間",
        "desk_note": "受付方法",
        "handles_requests": "開示等の請求",
        "handles_complaints": "苦情",
        "handles_inquiries": "お問い合わせ",
        "handles_opt_out": "提供停止・配信停止のお申出",
        "handles_my_number": "個人番号に関するお問い合わせ",
        # accredited
        "accredited_intro": "当社は、次の認定個人情報保護団体の対象事業者です。同団体では、対象事業者の個人情報の取扱いに関する苦情の解決を行っています。",
        "acc_name": "名称",
        "acc_desk": "苦情の受付窓口",
        "acc_address": "所在地",
        "acc_phone": "電話番号",
        "acc_url": "ウェブサイト",
        "acc_hours": "受付時間",
    },
    "en": {
        "toc": "Contents",
        "established": "Established",
        "revised": "Revised",
        "effective": "Effective",
        "none": "—",
        "list_sep": ", ",
        "default_preamble": (
            "{org} (\"{we_en}\") complies with the Act on the Protection of Personal Information{mna}, other "
            "applicable laws and the guidelines, and handles the personal information of our customers and "
            "others appropriately. This notice explains how we handle personal information."
        ),
        "default_preamble_mna": (
            ", the Act on the Use of Numbers to Identify a Specific Individual in Administrative Procedures "
            "(the My Number Act)"
        ),
        "operator": "Business operator",
        "purposes": "Purposes of use",
        "my_number": "Purposes of use of My Number and specific personal information",
        "special_care": "Special-care-required and sensitive information",
        "items": "Personal information we handle",
        "third_party": "Provision of personal data to third parties",
        "joint_use": "Joint use of personal data",
        "outsourcing": "Outsourcing of personal data handling",
        "cross_border": "Provision to third parties in foreign countries",
        "credit_bureaus": "Credit bureaus",
        "consent": "Consent documents",
        "security": "Security control measures",
        "requests": "Requests for disclosure and other rights",
        "retention": "Retention periods",
        "anonymized": "Anonymously processed information",
        "pseudonymized": "Pseudonymously processed information",
        "cookies": "Cookies and similar technologies",
        "children": "Children's personal information",
        "breach": "Response to data breaches",
        "contact": "Complaints and inquiries",
        "accredited": "Accredited personal information protection organizations",
        "org_name": "Name",
        "org_address": "Address",
        "org_representative": "Representative",
        "org_corporate_number": "Corporate number",
        "org_business": "Business",
        "org_privacy_manager": "Privacy manager",
        "org_url": "Website",
        "org_group": "Scope of this notice",
        "purposes_intro": (
            "We use the personal information we acquire only to the extent necessary to achieve the following "
            "purposes."
        ),
        "purposes_of": "Personal information of {subject}",
        "subjects_intro": "In this notice, the following terms mean:",
        "purposes_common": "Purposes common to everyone",
        "purposes_dm_mark": " (*)",
        "purposes_dm_note": (
            "* We stop using personal information for purposes marked (*) (direct marketing) when you ask us "
            "to. Please contact the {desk}."
        ),
        "purposes_my_number_ref": "The purposes of use of My Number are set out in \"{section}\".",
        "my_number_intro": (
            "Under the Act on the Use of Numbers to Identify a Specific Individual in Administrative Procedures "
            "(the My Number Act), we use My Numbers and specific personal information only for the following "
            "affairs. We do not use them for any other purpose, even with your consent, and do not provide them "
            "to third parties except where the My Number Act permits."
        ),
        "special_care_sub": "Special-care-required personal information",
        "sensitive_sub": "Sensitive information",
        "special_care_grounds": (
            "For the following purposes we may acquire special-care-required personal information without "
            "consent, only in the cases listed in Article 20(2) of the Act."
        ),
        "ground": "Ground",
        "items_intro": "The main items of personal information we handle are as follows.",
        "item": "Item",
        "category": "Category",
        "subjects": "Data subjects",
        "description": "Description",
        "necessity": "Why it is needed",
        "never_collected": "Information we never collect",
        "never_collected_intro": "We do not collect the following information.",
        "all_subjects": "Everyone",
        "provision_exceptions": "Provision without consent",
        "provision_exceptions_intro": "We may provide personal data without your consent in the following cases.",
        "recipients": "Recipients",
        "recipient": "Recipient",
        "recipient_address": "Address",
        "recipient_representative": "Representative",
        "country": "Country",
        "basis": "Basis",
        "provided_items": "Items provided",
        "recipient_purpose": "Recipient's purpose of use",
        "method": "Method",
        "opt_out": "Provision by opt-out",
        "opt_out_intro": (
            "We provide personal data to third parties as follows, on the basis that we stop the provision at "
            "your request (Article 27(2) of the Act)."
        ),
        "opt_out_purpose": "Provision to third parties is a purpose of use",
        "opt_out_acquisition": "How the data is acquired",
        "opt_out_request": "How to ask us to stop the provision",
        "opt_out_update": "How the items provided are updated",
        "opt_out_start": "Planned start of provision",
        "opt_out_filed": "Filed with the Personal Information Protection Commission on",
        "opt_out_stop": "At your request we stop providing personal data that identifies you to third parties.",
        "joint_use_intro": "We use personal data jointly as follows (Article 27(5)(iii) of the Act).",
        "joint_items": "Items of personal data used jointly",
        "joint_members": "Joint users",
        "joint_purposes": "Purposes of the joint users",
        "joint_responsible": "Party responsible for managing the personal data",
        "joint_representative": "Representative",
        "joint_acquisition": "How the data is acquired",
        "joint_since": "Joint use since",
        "joint_published_in": "For details of the joint use, see {where}.",
        "outsourcing_criteria": "Criteria for selecting contractors",
        "outsourcees": "Main contractors",
        "outsourcee": "Contractor",
        "service": "Service outsourced",
        "re_outsourcing": "Re-outsourcing",
        "outsourcing_items": "Items entrusted",
        "remarks": "Remarks",
        "group_company": "Group company",
        "outsourcee_of": "Contractor for \"{service}\"",
        "my_number_affairs": "Includes My Number affairs",
        "contract_clauses": "What our contracts with contractors stipulate",
        "cb_intro": "We provide personal data to third parties in foreign countries as follows (Article 28 of the Act).",
        "cb_recipient": "Recipient",
        "cb_parties": "Recipients and contractors concerned",
        "cb_countries": "Country of the recipient",
        "cb_basis": "Basis",
        "cb_purpose": "Purpose of use",
        "cb_items": "Items provided",
        "cb_country_system": "The country's system for the protection of personal information",
        "cb_measures": "Measures the recipient takes to protect personal information",
        "cb_unidentified": "Why the country cannot be identified",
        "cb_periodic": "Periodic checks of the recipient's handling",
        "cb_not_identified": "Not identifiable at present",
        "cb_bureau_intro": (
            "To screen applications and manage transactions, we inquire at the credit bureaus we are members of "
            "and use your personal information registered there. We also register personal information about "
            "your transactions with them. The bureaus and their members use the registered information to "
            "assess your ability to pay."
        ),
        "bureau_name": "Name",
        "bureau_address": "Address",
        "bureau_phone": "Phone",
        "toll_free": "toll-free",
        "bureau_url": "Website",
        "designated_under": "Designated under",
        "designated_suffix": "",
        "partners": "Partner credit bureaus",
        "inquiry": "Inquiries",
        "inquiry_threshold": "We inquire about every application for more than {yen}.",
        "bureau_provided": "Main items registered",
        "info_type": "Information",
        "registered_items": "Items registered",
        "registration_period": "Registration period",
        "shared_with_partners": "Shared with partner bureaus",
        "yes": "Yes",
        "consent_intro": "We obtain your consent with the following documents.",
        "consent_title": "Document",
        "consent_version": "Version",
        "consent_effective": "In use since",
        "security_intro": (
            "We take the following measures to prevent leakage, loss or damage of the personal data we handle "
            "and otherwise keep it secure."
        ),
        "security_generic": (
            "We take necessary and appropriate measures to prevent leakage, loss or damage of the personal data "
            "we handle and otherwise keep it secure. Please contact the desk below for details."
        ),
        "sec_basic_policy": "Basic policy",
        "sec_rules": "Rules for handling personal data",
        "sec_organizational": "Organizational measures",
        "sec_human": "Human measures",
        "sec_physical": "Physical measures",
        "sec_technical": "Technical measures",
        "sec_external": "Understanding the external environment",
        "foreign_handling": "Countries where we handle personal data: {countries}",
        "requests_intro": (
            "You or your agent may make the following requests concerning the retained personal data we hold. "
            "We accept requests by the following procedure."
        ),
        "req_desk": "Where to apply",
        "req_how": "How to apply",
        "req_forms": "Forms",
        "req_types": "Requests, fees and response times",
        "req_type": "Request",
        "req_fee": "Fee",
        "req_deadline": "Response time",
        "req_note": "Notes",
        "fee_free": "Free of charge",
        "fee_prescribed": "a prescribed fee",
        "tax_included": "tax included",
        "tax_excluded": "plus tax",
        "deadline_days": "Within {n} business days of receipt",
        "deadline_none": "Without delay",
        "req_identity": "Identity verification",
        "photo_docs": "Documents with a photo (one of the following)",
        "non_photo_docs": "Documents without a photo ({n} of the following)",
        "req_agents": "Requests by an agent",
        "agent_legal_representative": "Legal representative",
        "agent_appointed": "Appointed agent",
        "agent_proofs": "Documents required",
        "req_response": "How we respond",
        "req_payment": "Payment of fees",
        "payment_deadline": (
            "Please pay the fee within {n} days of our notice. If we cannot confirm payment by then, we treat "
            "the request as not made."
        ),
        "req_refusal": "When we cannot comply",
        "refusal_intro": "We may refuse all or part of a request in the following cases.",
        "refusal_notice": "If we decide not to comply, we will tell you so in writing, with reasons, within {n} days.",
        "req_alternative": "Alternative measures",
        "retention_intro": (
            "We keep personal information for the following periods and erase or dispose of it without delay "
            "afterwards."
        ),
        "ret_target": "Information",
        "ret_subjects": "Data subjects",
        "ret_period": "Retention period",
        "ret_basis": "Statutory basis",
        "ret_disposal": "Disposal",
        "ret_floor": "Never shorter than the registration period of \"{info}\" at {bureau}.",
        "proc_items": "Items of information about individuals it contains",
        "proc_method": "Method of provision",
        "proc_purposes": "Purposes of use",
        "anonymized_default": "We create anonymously processed information.",
        "pseudonymized_default": "We create pseudonymously processed information.",
        "cookie_uses": "Why we use cookies",
        "analytics": "Analytics tools",
        "tool": "Tool",
        "provider": "Provider",
        "tool_purpose": "Purpose",
        "opt_out_link": "Opt-out",
        "cookie_linked": (
            "We may link information obtained through cookies with member information and handle it as "
            "personal data."
        ),
        "children_age": (
            "If you are under {age}, please provide personal information only with the consent of your parent "
            "or guardian."
        ),
        "breach_notify": (
            "If personal data is leaked, lost or damaged, or may have been, we report to the Personal "
            "Information Protection Commission and notify the persons concerned as the law requires."
        ),
        "contact_intro": "Please address complaints, consultations and inquiries about our handling of personal information to:",
        "desk_name": "Desk",
        "desk_handles": "Handles",
        "desk_address": "Address",
        "desk_phone": "Phone",
        "desk_fax": "Fax",
        "desk_email": "E-mail",
        "desk_url": "Website",
        "desk_hours": "Hours",
        "desk_note": "How to contact us",
        "handles_requests": "requests for disclosure etc.",
        "handles_complaints": "complaints",
        "handles_inquiries": "inquiries",
        "handles_opt_out": "opt-out requests",
        "handles_my_number": "My Number inquiries",
        "accredited_intro": (
            "We are a member of the following accredited personal information protection organization, which "
            "resolves complaints about its members' handling of personal information."
        ),
        "acc_name": "Name",
        "acc_desk": "Complaint desk",
        "acc_address": "Address",
        "acc_phone": "Phone",
        "acc_url": "Website",
        "acc_hours": "Hours",
    },
}

SPECIAL_CARE_GROUNDS: dict[str, dict[str, str]] = {
    "ja": {
        "laws": "法令に基づく場合",
        "life_body_property": "人の生命、身体又は財産の保護のために必要がある場合であって、本人の同意を得ることが困難であるとき",
        "public_health": "公衆衛生の向上又は児童の健全な育成の推進のために特に必要がある場合であって、本人の同意を得ることが困難であるとき",
        "state_cooperation": "国の機関若しくは地方公共団体又はその委託を受けた者が法令の定める事務を遂行することに対して協力する必要がある場合",
        "academic": "学術研究機関等が学術研究目的で取り扱う必要がある場合",
        "published": "本人、国の機関、地方公共団体、報道機関等により公開されている場合",
        "obvious_from_appearance": "本人を目視し又は撮影することにより、その外形上明らかな要配慮個人情報を取得する場合",
        "entrusted_or_joint_use": "委託、事業承継又は共同利用に伴って個人データの提供を受ける場合",
    },
    "en": {
        "laws": "where required by laws and regulations",
        "life_body_property": "where necessary to protect a person's life, body or property and consent is difficult to obtain",
        "public_health": "where especially necessary for public health or the sound growth of children and consent is difficult to obtain",
        "state_cooperation": "where necessary to cooperate with a state or local body performing duties prescribed by law",
        "academic": "where an academic research institution needs it for academic research",
        "published": "where it has been made public by the person, a public body, the press or the like",
        "obvious_from_appearance": "where it is obvious from the person's appearance when seen or photographed",
        "entrusted_or_joint_use": "where received through outsourcing, business succession or joint use",
    },
}

PROVISION_BASIS: dict[str, dict[str, str]] = {
    "ja": {"consent": "ご本人の同意", "opt_out": "オプトアウト(法第27条第2項)", "laws": "法令に基づく提供"},
    "en": {"consent": "Your consent", "opt_out": "Opt-out (Article 27(2) of the Act)", "laws": "Required by law"},
}

CROSS_BORDER_BASIS: dict[str, dict[str, str]] = {
    "ja": {
        "consent": "外国にある第三者への提供についてのご本人の同意",
        "equivalent_system": "提供先が個人情報保護委員会規則で定める基準に適合する体制(基準適合体制)を整備していること",
        "adequate_country": "我が国と同等の水準にあると認められる個人情報保護制度を有する国(EU・英国)にある者への提供",
    },
    "en": {
        "consent": "Your consent to provision to a third party in a foreign country",
        "equivalent_system": "The recipient maintains a system meeting the standards of the PPC Rules",
        "adequate_country": "The recipient is in a country recognised as having an equivalent system (EU, UK)",
    },
}

RE_OUTSOURCING: dict[str, dict[str, str]] = {
    "ja": {"forbidden": "禁止", "with_permission": "当社の事前の許諾がある場合に限り可", "allowed": "可"},
    "en": {"forbidden": "Not allowed", "with_permission": "Only with our prior permission", "allowed": "Allowed"},
}

REQUEST_TYPES: dict[str, dict[str, str]] = {
    "ja": {
        "purpose_notice": "利用目的の通知",
        "disclosure": "開示",
        "correction": "内容の訂正・追加・削除",
        "suspension": "利用の停止",
        "erasure": "消去",
        "stop_provision": "第三者への提供の停止",
        "provision_records": "第三者提供記録の開示",
        "my_number_held": "個人番号の保有の有無の確認",
    },
    "en": {
        "purpose_notice": "Notification of the purposes of use",
        "disclosure": "Disclosure",
        "correction": "Correction, addition or deletion",
        "suspension": "Suspension of use",
        "erasure": "Erasure",
        "stop_provision": "Stopping provision to third parties",
        "provision_records": "Disclosure of third-party provision records",
        "my_number_held": "Whether we hold your My Number",
    },
}

RESPONSE_METHODS: dict[str, dict[str, str]] = {
    "ja": {
        "registered_mail": "ご登録の住所宛てに、本人限定受取郵便又は簡易書留により書面で回答します。",
        "mail": "郵送により書面で回答します。",
        "electronic": "電磁的記録(電子メールへの添付、ダウンロード等)により回答します。",
        "in_person": "当社窓口において書面をお渡しします。",
        "phone": "お電話で回答します。",
    },
    "en": {
        "registered_mail": "In writing to your registered address, by restricted-delivery or registered mail.",
        "mail": "In writing by post.",
        "electronic": "As an electronic record (e-mail attachment, download etc.).",
        "in_person": "In writing, handed over at our desk.",
        "phone": "By telephone.",
    },
}

#: Country names by ISO 3166-1 alpha-2 code (ja, en): every country designated as equivalent to Japan
#: (hogo.law.crossborder.EQUIVALENT_COUNTRIES, the EU/EEA and the UK) and the usual outsourcing destinations.
COUNTRIES: dict[str, tuple[str, str]] = {
    # Japan and the usual destinations outside the EU/EEA
    "JP": ("日本", "Japan"),
    "US": ("米国", "United States"),
    "CA": ("カナダ", "Canada"),
    "AU": ("オーストラリア", "Australia"),
    "NZ": ("ニュージーランド", "New Zealand"),
    "CN": ("中国", "China"),
    "HK": ("香港", "Hong Kong"),
    "TW": ("台湾", "Taiwan"),
    "KR": ("韓国", "South Korea"),
    "SG": ("シンガポール", "Singapore"),
    "MY": ("マレーシア", "Malaysia"),
    "TH": ("タイ", "Thailand"),
    "VN": ("ベトナム", "Vietnam"),
    "PH": ("フィリピン", "Philippines"),
    "ID": ("インドネシア", "Indonesia"),
    "IN": ("インド", "India"),
    "CH": ("スイス", "Switzerland"),
    # EU member states
    "AT": ("オーストリア", "Austria"),
    "BE": ("ベルギー", "Belgium"),
    "BG": ("ブルガリア", "Bulgaria"),
    "HR": ("クロアチア", "Croatia"),
    "CY": ("キプロス", "Cyprus"),
    "CZ": ("チェコ", "Czech Republic"),
    "DK": ("デンマーク", "Denmark"),
    "EE": ("エストニア", "Estonia"),
    "FI": ("フィンランド", "Finland"),
    "FR": ("フランス", "France"),
    "DE": ("ドイツ", "Germany"),
    "GR": ("ギリシャ", "Greece"),
    "HU": ("ハンガリー", "Hungary"),
    "IE": ("アイルランド", "Ireland"),
    "IT": ("イタリア", "Italy"),
    "LV": ("ラトビア", "Latvia"),
    "LT": ("リトアニア", "Lithuania"),
    "LU": ("ルクセンブルク", "Luxembourg"),
    "MT": ("マルタ", "Malta"),
    "NL": ("オランダ", "Netherlands"),
    "PL": ("ポーランド", "Poland"),
    "PT": ("ポルトガル", "Portugal"),
    "RO": ("ルーマニア", "Romania"),
    "SK": ("スロバキア", "Slovakia"),
    "SI": ("スロベニア", "Slovenia"),
    "ES": ("スペイン", "Spain"),
    "SE": ("スウェーデン", "Sweden"),
    # the rest of the EEA, and the United Kingdom
    "IS": ("アイスランド", "Iceland"),
    "LI": ("リヒテンシュタイン", "Liechtenstein"),
    "NO": ("ノルウェー", "Norway"),
    "GB": ("英国", "United Kingdom"),
}

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")

NUMBERS_EN = {1: "one", 2: "two", 3: "three"}


def label(lang: Lang, key: str, we: str | None = None, **kwargs: object) -> str:
    """One label; ``kwargs`` fill its ``{placeholders}``.

    ``we`` is how the company calls itself in Japanese (弊社 …): it replaces 当社 in the fixed sentence
    before the placeholders are filled, so a policy's own text is never rewritten.
    """
    return fill(LABELS[lang][key], lang, we, **kwargs)


def fill(text: str, lang: Lang, we: str | None = None, **kwargs: object) -> str:
    """A fixed sentence (a label or an enum's wording) with 当社 replaced by ``we`` and placeholders filled."""
    if lang == "ja" and we:
        text = text.replace("当社", we)
    return text.format(**kwargs) if kwargs else text


def country_name(code: str, lang: Lang) -> str:
    """A country's name for the notice; an unknown ISO code is shown as is rather than dropped."""
    names = COUNTRIES.get(code.upper())
    if names is None:
        return code
    return names[1] if lang == "en" else names[0]
