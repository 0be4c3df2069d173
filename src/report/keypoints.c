/* keypoints.c - the texts behind keypoints.h: the guideline's 21 key points
 * (Japanese titles as in IoTセキュリティガイドライン ver 1.0, 2016), event-kind
 * and severity labels, and the report's UI strings, in Japanese and English.
 * The explanations are koban's own one-line readings for network owners. */
#include "report/keypoints.h"

#include <string.h>

struct keypoint_text {
	const char *title_ja, *title_en, *explain_ja, *explain_en;
};

static const struct keypoint_text keypoints[KEYPOINT_COUNT] = {
	{"経営者がIoTセキュリティにコミットする", "Management commits to IoT security",
	 "IoTセキュリティは経営層が方針・体制・人材を定めて初めて機能する。検知結果に誰が対応するかを決めておく。",
	 "Security of connected devices needs a policy, staff and budget set by management; findings only help if someone is responsible for acting on them."},
	{"内部不正やミスに備える", "Prepare for insider misconduct and mistakes",
	 "内部の人による不正や設定ミスも脅威となる。管理権限を絞り、操作の記録を残し、感染や誤りが広がりにくいネットワークにする。",
	 "People with access can misuse or misconfigure devices; limit admin rights, keep an audit trail and design the internal network so one mistake or infection does not spread."},
	{"守るべきものを特定する", "Identify what must be protected",
	 "把握していないものは守れない。機器とその機能・データ・設定・認証情報を洗い出し、重要度をつけて管理する。",
	 "You cannot protect what you do not know about: keep an inventory of devices, their functions, data, settings and credentials, ranked by importance."},
	{"つながることによるリスクを想定する", "Assume the risks of being connected",
	 "閉じたLANでも、つながった機器は攻撃されうる。推測しやすい初期パスワード、不要なサービスやポート、無制限のログイン試行が主な侵入口となる。",
	 "Any connected device, even on a closed LAN, can be attacked; guessable default passwords, unneeded open services and unlimited login attempts are the usual ways in."},
	{"つながりで波及するリスクを想定する", "Assume risks that spread through connections",
	 "乗っ取られた機器は所有者が気付かないまま他の機器やインターネットを攻撃しうる。最も弱い機器が全体の水準を決めるため、外向きの通信も監視する。",
	 "A compromised device can attack others or the Internet without its owner noticing, and the weakest device sets the level for the whole network, so watch outbound traffic too."},
	{"物理的なリスクを認識する", "Recognise physical risks",
	 "機器は盗難・紛失・すり替えや、人目のない場所での不正な接続を受けうる。見知らぬ機器の出現や既知の機器の新しい通信先はその兆候となりうる。",
	 "Devices can be stolen, lost, swapped or plugged in where nobody watches; an unknown device, or a known one talking to new destinations, can be a sign of it."},
	{"過去の事例に学ぶ", "Learn from past cases",
	 "初期パスワードのままインターネットから見えていたカメラや複合機などの事例に学び、不要な機器をインターネットにつながない、初期パスワードを変えるといった対策をとる。",
	 "Past cases, such as cameras and printers reachable from the Internet with factory passwords, show what to avoid: keep devices off the Internet unless needed and change defaults."},
	{"個々でも全体でも守れる設計をする", "Design that protects each part and the whole",
	 "自らを守れない機器もあるため、ネットワークをドメインに分け、ゲートウェイや監視によって上位から守り、個々と全体の両方で防御する。",
	 "Weak devices cannot always protect themselves; split the network into domains and put a gateway or monitor in front of them so the system as a whole stays protected."},
	{"つながる相手に迷惑をかけない設計をする", "Design that does not harm connected parties",
	 "異常を起こした機器を検知し、切り離しや隔離、問題のある機能だけの停止によって封じ込め、つながる相手に被害を広げない。",
	 "A misbehaving device must be detected and contained (disconnected, isolated, or only its faulty function stopped) so that it does not harm the parties it talks to."},
	{"安全安心を実現する設計の整合性をとる", "Keep safety and security design consistent",
	 "セキュリティ対策が安全のための機能を損なわないよう整合をとる。機器の遮断や隔離が、安全に必要な機能を不用意に止めないようにする。",
	 "Security measures must not undermine safety functions: blocking or isolating a device should never blindly cut something people rely on for safety."},
	{"不特定の相手とつなげられても安全安心を確保できる設計をする", "Stay safe when connected to unknown peers",
	 "想定していない相手とつながることがあるため、相手のメーカ・型式・準拠する規格を確かめ、信頼できない相手に許す機能を絞る。",
	 "Devices may meet peers nobody planned for; check who a peer is (maker, model, standards) before trusting it and limit what unknown peers may do."},
	{"安全安心を実現する設計の検証・評価を行う", "Verify and evaluate the design",
	 "対策が実際につながった環境で働いているかを検証・評価する。監査や監視の結果はその裏付けとなる。",
	 "Check that the measures actually work in the connected environment, not only on paper; audit and monitoring results are evidence for it."},
	{"機器等がどのような状態かを把握し、記録する機能を設ける", "Record device state and communication",
	 "インシデントに気付き原因をたどるには、正確な時刻付きで機器の状態と通信を記録し、改ざんされない形で保管する必要がある。",
	 "Noticing incidents and tracing their cause needs records of device state and communication with correct time, kept where they cannot be altered."},
	{"機能及び用途に応じて適切にネットワーク接続する", "Connect according to function and use",
	 "インターネットには必要で保護された機器だけをつなぎ、通信には認証と暗号化を用い、非力な機器はセキュアなゲートウェイの内側に置く。",
	 "Put only devices that need it and are protected on the Internet, use authentication and encryption on every path, and keep constrained devices behind a secure gateway."},
	{"初期設定に留意する", "Take care with initial settings",
	 "初期パスワードや初期状態で有効なTELNET・FTPなどは乗っ取りの大きな原因となる。使用前にパスワードを変え、不要なサービスを止め、ファームウェアを更新する。",
	 "Factory passwords and services left on by default, such as TELNET and FTP, are a leading cause of takeovers; change passwords, stop unneeded services and update firmware before use."},
	{"認証機能を導入する", "Introduce authentication",
	 "機器と利用者を認証（証明書、メッセージ認証、強いパスワードなど）し、不正な機器や権限のない利用者を受け入れない。",
	 "Authenticate devices and users (certificates, message authentication, strong passwords) so that rogue devices and unauthorised users can be rejected."},
	{"出荷・リリース後も安全安心な状態を維持する", "Keep devices safe after release",
	 "購入後も脆弱性は見つかり続ける。正当性を検証できるアップデートを適時に適用しないと、機器は容易な標的となる。",
	 "Vulnerabilities keep being found after purchase; without authentic updates applied in time, a device becomes an easy target."},
	{"出荷・リリース後もIoTリスクを把握し、関係者に守ってもらいたいことを伝える", "Track risk after release and tell stakeholders what to do",
	 "既知の脆弱性やサポート期間を使っている機器と照らし合わせる。サポートが終了した機器には修正が提供されないため、交換や接続の制限を検討する。",
	 "Match known vulnerabilities and support periods against the devices you run; a device past its end of support gets no more fixes and should be replaced or restricted."},
	{"つながることによるリスクを一般利用者に知ってもらう", "Make general users aware of the risks",
	 "機器を使う人に、強いパスワード、アップデート、手放す前のデータ消去など、つながることのリスクと対策を分かりやすく伝える。",
	 "The people using the devices must understand the risks of connecting them (strong passwords, updates, erasing data before disposal), so tell them plainly."},
	{"IoTシステム・サービスにおける関係者の役割を認識する", "Recognise each party's role",
	 "メーカ、サービス提供者、利用者の役割を分担し、どのインシデントに誰が対応するかを事前に決めておくことで、警告が対応につながる。",
	 "Makers, providers and users share the work; agree in advance who handles which incident so that an alert leads to action."},
	{"脆弱な機器を把握し、適切に注意喚起を行う", "Find vulnerable devices and alert owners",
	 "ネットワーク上の機器を把握し、ファームウェアのバージョンや外部に公開された管理画面などから脆弱な機器を見つけ、所有者に更新や切り離しを促す。",
	 "Know the devices on your network, find vulnerable ones (by firmware version, admin pages exposed to the Internet and the like) and get their owners to update or disconnect them."},
};

bool lang_is_ja(const char *lang)
{
	return lang && lang[0] == 'j' && lang[1] == 'a' && (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

const char *keypoint_title(int kp, const char *lang)
{
	if (kp < 1 || kp > KEYPOINT_COUNT)
		return NULL;
	return lang_is_ja(lang) ? keypoints[kp - 1].title_ja : keypoints[kp - 1].title_en;
}

const char *keypoint_explain(int kp, const char *lang)
{
	if (kp < 1 || kp > KEYPOINT_COUNT)
		return NULL;
	return lang_is_ja(lang) ? keypoints[kp - 1].explain_ja : keypoints[kp - 1].explain_en;
}

static const struct {
	const char *kind, *ja, *en;
} kinds[] = {
	{"new-device", "新しい機器", "New device"},
	{"new-service", "新しいサービス", "New service"},
	{"cleartext-login", "平文のログイン", "Cleartext login"},
	{"scan", "スキャン", "Scanning"},
	{"bruteforce", "パスワードの総当たり", "Password guessing"},
	{"flood", "大量の通信（フラッド）", "Traffic flood"},
	{"c2", "C&Cサーバとの通信", "Command-and-control traffic"},
	{"default-credential", "初期パスワードのまま", "Default credential in use"},
	{"wan-exposure", "インターネットへの露出", "Exposed to the Internet"},
	{"vulnerable-firmware", "脆弱なファームウェア", "Vulnerable firmware"},
	{"end-of-support", "サポート終了", "End of support"},
	{"cleartext-admin", "平文の管理画面", "Cleartext admin interface"},
	{"no-authentication", "パスワードなしのサービス", "No authentication"},
	{"weak-tls", "弱い暗号化", "Weak encryption"},
	{"update-failed", "更新の失敗", "Update failed"},
	{"default-password-unchanged", "初期パスワード未変更", "Default password unchanged"},
	{"firmware-outdated", "ファームウェアの更新期限切れ", "Firmware out of date"},
	{"status-invalid", "状態報告の署名不正", "Invalid status report"},
};

const char *event_kind_label(const char *kind, const char *lang)
{
	if (!kind)
		return NULL;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kind, kinds[i].kind) == 0)
			return lang_is_ja(lang) ? kinds[i].ja : kinds[i].en;
	return NULL;
}

static const char *const severities_ja[] = {"情報", "低", "中", "高", "緊急"};
static const char *const severities_en[] = {"Info", "Low", "Medium", "High", "Critical"};

const char *severity_label(int sev, const char *lang)
{
	if (sev < 0 || sev > 4)
		return NULL;
	return lang_is_ja(lang) ? severities_ja[sev] : severities_en[sev];
}

static const char *const ui_ja[UI_TEXT_COUNT] = {
	[UI_TITLE] = "koban ネットワーク レポート",
	[UI_GENERATED_BY] = "作成: koban",
	[UI_NOTE] = "備考",
	[UI_CAPTURES] = "キャプチャファイル",
	[UI_PACKETS] = "読み込んだパケット",
	[UI_PACKETS_SKIPPED] = "解析できなかったパケット",
	[UI_FLOWS] = "フロー",
	[UI_TIME_RANGE] = "期間",
	[UI_SUMMARY] = "概要",
	[UI_DEVICE_COUNT] = "機器の数",
	[UI_EVENT_COUNT] = "イベントの数",
	[UI_BY_SEVERITY] = "重大度別のイベント",
	[UI_BY_KIND] = "種類別のイベント",
	[UI_COUNT] = "件数",
	[UI_DEVICES] = "機器一覧",
	[UI_EVENTS] = "イベント",
	[UI_KEYPOINTS] = "関連するガイドラインの要点",
	[UI_KEYPOINTS_INTRO] = "上のイベントが参照している IoTセキュリティガイドラインの要点と、ネットワーク管理者にとっての意味です。",
	[UI_KEYPOINT_N] = "要点",
	[UI_COL_MAC] = "MACアドレス",
	[UI_COL_IPS] = "IPアドレス",
	[UI_COL_VENDOR] = "ベンダー",
	[UI_COL_MODEL] = "型式",
	[UI_COL_FIRMWARE] = "ファームウェア",
	[UI_COL_HOSTNAMES] = "ホスト名",
	[UI_COL_SERVICES] = "サービス",
	[UI_COL_PEERS] = "通信先",
	[UI_COL_FIRST_SEEN] = "初観測",
	[UI_COL_LAST_SEEN] = "最終観測",
	[UI_COL_MUD] = "MUD URL",
	[UI_COL_TIME] = "時刻",
	[UI_COL_SEVERITY] = "重大度",
	[UI_COL_KIND] = "種類",
	[UI_COL_DEVICE] = "機器",
	[UI_COL_PEER] = "相手",
	[UI_COL_KEYPOINTS] = "要点",
	[UI_COL_SUMMARY] = "内容",
	[UI_COL_EVIDENCE] = "根拠",
	[UI_NO_DEVICES] = "機器は見つかりませんでした。",
	[UI_NO_EVENTS] = "イベントはありません。",
	[UI_EVENTS_OMITTED] = "表示していないイベント（件数）:",
	[UI_EVENTS_OMITTED_WHY] = "重大度の高い順に上限まで表示しています。すべてのイベントは events.jsonl にあります。",
	[UI_MORE] = "ほか",
	[UI_UNKNOWN] = "不明",
	[UI_SOURCE] = "出典: IoTセキュリティガイドライン ver 1.0（IoT推進コンソーシアム・総務省・経済産業省、2016年7月）。説明文は koban による要約です。",
};

static const char *const ui_en[UI_TEXT_COUNT] = {
	[UI_TITLE] = "koban network report",
	[UI_GENERATED_BY] = "Generated by koban",
	[UI_NOTE] = "Note",
	[UI_CAPTURES] = "Capture files",
	[UI_PACKETS] = "Packets read",
	[UI_PACKETS_SKIPPED] = "Packets not decoded",
	[UI_FLOWS] = "Flows",
	[UI_TIME_RANGE] = "Time range",
	[UI_SUMMARY] = "Summary",
	[UI_DEVICE_COUNT] = "Devices",
	[UI_EVENT_COUNT] = "Events",
	[UI_BY_SEVERITY] = "Events by severity",
	[UI_BY_KIND] = "Events by kind",
	[UI_COUNT] = "Count",
	[UI_DEVICES] = "Devices",
	[UI_EVENTS] = "Events",
	[UI_KEYPOINTS] = "Guideline key points referenced",
	[UI_KEYPOINTS_INTRO] = "The key points of Japan's IoT Security Guideline that the events above refer to, and why they matter to a network owner.",
	[UI_KEYPOINT_N] = "Key point",
	[UI_COL_MAC] = "MAC",
	[UI_COL_IPS] = "IP addresses",
	[UI_COL_VENDOR] = "Vendor",
	[UI_COL_MODEL] = "Model",
	[UI_COL_FIRMWARE] = "Firmware",
	[UI_COL_HOSTNAMES] = "Host names",
	[UI_COL_SERVICES] = "Services",
	[UI_COL_PEERS] = "Peers",
	[UI_COL_FIRST_SEEN] = "First seen",
	[UI_COL_LAST_SEEN] = "Last seen",
	[UI_COL_MUD] = "MUD URL",
	[UI_COL_TIME] = "Time",
	[UI_COL_SEVERITY] = "Severity",
	[UI_COL_KIND] = "Kind",
	[UI_COL_DEVICE] = "Device",
	[UI_COL_PEER] = "Peer",
	[UI_COL_KEYPOINTS] = "Key points",
	[UI_COL_SUMMARY] = "Summary",
	[UI_COL_EVIDENCE] = "Evidence",
	[UI_NO_DEVICES] = "No devices were found.",
	[UI_NO_EVENTS] = "No events.",
	[UI_EVENTS_OMITTED] = "Events not shown:",
	[UI_EVENTS_OMITTED_WHY] = "The most severe events are shown up to the limit; events.jsonl has them all.",
	[UI_MORE] = "more",
	[UI_UNKNOWN] = "unknown",
	[UI_SOURCE] = "Source: IoT Security Guideline ver 1.0 (IoT Acceleration Consortium, MIC and METI, July 2016). The explanations are koban's summaries.",
};

const char *ui_text(enum ui_text id, const char *lang)
{
	if ((unsigned)id >= UI_TEXT_COUNT)
		return NULL;
	return lang_is_ja(lang) ? ui_ja[id] : ui_en[id];
}
