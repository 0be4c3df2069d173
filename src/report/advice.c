/* advice.c - the advice texts behind advice.h: for each event kind, what
 * happened, why it matters and what to do now, in Japanese and English, with
 * the chapter-3 rules for general users and the key points they follow.
 * Written for a family or a small office without a network administrator:
 * concrete steps (change the password, update the firmware, unplug it, close
 * the port forward, ask the maker's support), no jargon left unexplained. */
#include "report/advice.h"

#include <string.h>

#include "report/keypoints.h"

#define RULES(...) .rules = {__VA_ARGS__}, .n_rules = sizeof((uint8_t[]){__VA_ARGS__})
#define KPS(...) .key_points = {__VA_ARGS__}, .n_key_points = sizeof((uint8_t[]){__VA_ARGS__})

static const struct advice advice_table[] = {
	{.kind = "new-device",
	 .ja = {"これまでに見たことのない機器が、ネットワークに接続されました。",
		"把握していない機器は管理できません。初期パスワードや古いソフトウェアのまま使われていたり、誰かが無断で接続したりしている可能性があります。",
		"どの機器か確認してください（メーカー名とアドレスはこのイベントに表示されています）。ご自分の機器であれば、使い始める前に自分で決めたパスワードを設定し、取扱説明書に従ってソフトウェアを更新してください。心当たりのない機器であれば、ネットワークから切り離し、Wi-Fiのパスワードを変更してください。"},
	 .en = {"A device koban had not seen before joined your network.",
		"A device you do not know about cannot be looked after: it may still have its factory password or old software, or someone may have connected it without asking.",
		"Check that you recognise the device (its maker and address are shown with this event). If it is yours, set your own password before using it and update its software as its manual explains. If nobody knows it, disconnect it from the network and change your Wi-Fi password."},
	 RULES(2), KPS(15, 17, 21)},
	{.kind = "new-service",
	 .ja = {"機器がネットワークのポートでサービス（管理画面、TELNET、FTPなど）の提供を始めました。",
		"開いているサービスは、そのまま侵入口になります。特に出荷時から有効になっているTELNETやFTPは、機器が乗っ取られる大きな原因です。",
		"このサービスが必要かどうか、機器の設定画面で確認してください。不要であれば無効にしてください。必要な場合は、推測されにくい独自のパスワードを設定し、ソフトウェアを最新の状態にしてください。"},
	 .en = {"A device started offering a service on a network port (for example an admin page, TELNET or FTP).",
		"Every open service is a way in. Services left on from the factory, above all TELNET and FTP, are a leading cause of devices being taken over.",
		"Check in the device's settings whether you need this service. If you do not, turn it off. If you do, give it its own strong password and keep the device's software up to date."},
	 RULES(2), KPS(15, 17)},
	{.kind = "cleartext-login",
	 .ja = {"ユーザ名とパスワードが暗号化されないまま送られ、機器へのログインが行われました（TELNET、FTP、暗号化されていないHTTPなど）。",
		"通信を見ることができる人や機器（同じWi-Fiにつながった機器や、すでに乗っ取られた機器など）であれば、そのパスワードを読み取って悪用できます。",
		"そのパスワードを変更し、ほかでは使い回さないでください。TELNETやFTPは使うのをやめ、機器が対応していればSSHやHTTPSなどの暗号化された方法に切り替えて、TELNET・FTPを無効にしてください。暗号化されたログインに対応していない機器は、メーカーのサポート窓口に更新の予定を問い合わせるか、買い替えを検討してください。"},
	 .en = {"Someone logged in to a device with a user name and password sent unencrypted (for example over TELNET, FTP or plain HTTP).",
		"Anyone who can see the traffic, such as another device on the same Wi-Fi or a device that has already been taken over, can read the password and use it.",
		"Change that password and do not reuse it anywhere else. Stop using TELNET and FTP: switch to an encrypted method the device supports (SSH, HTTPS) and turn TELNET and FTP off. If the device only offers unencrypted logins, ask the maker's support about an update, or plan to replace it."},
	 RULES(2), KPS(15, 17)},
	{.kind = "scan",
	 .ja = {"ある機器が、短時間に多数のアドレスやポートへ接続を試みました。攻撃用のツールが標的を探すときと同じ動きです。",
		"スキャンしているのがご自分の機器であれば、マルウェア（Miraiなど）に乗っ取られ、家庭や事務所の中やインターネット上で次の標的を探している可能性が高いです。インターネット側からのスキャンであれば、侵入できる機器を探しています。",
		"送信元がご自分の機器の場合は、ネットワークから切り離し、工場出荷時の状態に戻してファームウェアを更新し、新しい強いパスワードを設定してから接続し直してください。再発する場合はメーカーのサポート窓口に相談し、使っていない機器であれば電源を切ってください。送信元がインターネット側の場合は、外部から接続できる機器がないか確認してください（ルータのポート転送を閉じ、UPnPを無効にする）。"},
	 .en = {"A device tried to reach many addresses or ports in a short time, the way attack tools look for targets.",
		"If the scanning device is one of yours, it has probably been taken over by malware (such as Mirai) and is looking for its next victims, in your home or office and on the Internet. If the scan comes from the Internet, it is looking for devices it can break into.",
		"If the source is your own device: disconnect it from the network, reset it to factory settings, update its firmware and set a new strong password before you reconnect it. If it happens again, contact the maker's support; if you no longer use the device, leave it unplugged. If the source is on the Internet: make sure none of your devices can be reached from outside (close port forwards and turn off UPnP on the router)."},
	 RULES(2, 3), KPS(9, 15, 17, 21)},
	{.kind = "bruteforce",
	 .ja = {"ある機器に対して、短時間に多数のパスワードでログインが試みられました（パスワードの総当たり）。",
		"攻撃者は、初期パスワードやよく使われるパスワードを、当たるまで順に試します。初期パスワードや弱いパスワードのままの機器は乗っ取られます。試しているのが、すでに感染したご自分の機器であることもあります。",
		"狙われた機器に、ほかで使っていない長いパスワードが設定されているか確認してください。試行がインターネット側から来ている場合は、その機器を外部に公開しているポート転送やUPnPの設定を閉じてください。試しているのがご自分の機器の場合は、ネットワークから切り離し、初期化とファームウェアの更新をしてから接続し直してください。"},
	 .en = {"Many logins with different passwords were tried against a device in a short time (password guessing).",
		"Attackers try factory and common passwords until one works, so a device with a default or weak password will be taken over. The guessing may also come from one of your own devices that is already infected.",
		"Make sure the targeted device has a long password that you do not use anywhere else. If the attempts come from the Internet, close the port forward or UPnP mapping that exposes the device. If they come from one of your devices, disconnect it from the network, reset it and update its firmware before you reconnect it."},
	 RULES(2), KPS(15, 17, 21)},
	{.kind = "flood",
	 .ja = {"ある機器が、異常に大量の通信を送り出していました。ほかのシステムを麻痺させる攻撃（DoS攻撃）に使われるものと同じ種類の通信です。",
		"乗っ取られた機器は、持ち主が気付かないうちに、ほかの人のサービスへの攻撃に使われます。ご自分の回線も遅くなり、攻撃の送信元として特定されることもあります。",
		"ほかの人に迷惑をかけないよう、すぐにその機器をネットワークから切り離してください（ケーブルや電源を抜く）。接続し直す前に、工場出荷時の状態に戻し、ファームウェアを更新して、新しい強いパスワードを設定してください。再発する場合はメーカーのサポート窓口に相談し、使っていない機器であれば電源を切ったままにしてください。このレポートは記録として保存してください。プロバイダから問い合わせがあったときに役立ちます。"},
	 .en = {"A device sent out an unusually large amount of traffic, of the kind used to overwhelm other systems (a denial-of-service attack).",
		"A device that has been taken over is used to attack other people's services, often without its owner noticing. Your own connection slows down too, and your line may be identified as the source of the attack.",
		"Disconnect the device from the network now (unplug its cable or power) so that it stops harming others. Before you reconnect it, reset it to factory settings, update its firmware and set a new strong password. If it starts again, contact the maker's support; if you no longer use the device, leave it unplugged. Keep this report as a record: your Internet provider may ask about it."},
	 RULES(1, 3), KPS(9, 13, 17)},
	{.kind = "c2",
	 .ja = {"ある機器が、マルウェアに指令を出すサーバ（C&Cサーバ）として知られている相手と通信しました。",
		"多くの場合、その機器はすでに感染しており、ほかの人への攻撃、のぞき見、ほかの機器への感染拡大といった指令を待っている状態です。",
		"すぐにその機器をネットワークから切り離してください。工場出荷時の状態に戻し、ファームウェアを最新版に更新し、新しい強いパスワードを設定してから接続し直してください。その機器で使っていたパスワードも変更してください。再び同じ通信が見られる場合は、メーカーのサポート窓口に相談するか、買い替えを検討してください。このレポートは記録として保存してください。"},
	 .en = {"A device talked to a server known to give orders to malware (a command-and-control server).",
		"This usually means the device is already infected and waiting for orders: to attack others, to spy on you, or to spread to your other devices.",
		"Disconnect the device from the network now. Reset it to factory settings, update its firmware to the latest version and set a new strong password before you reconnect it. Also change any passwords that were used on the device. If the traffic comes back, contact the maker's support or replace the device. Keep this report as a record."},
	 RULES(1, 3), KPS(9, 13, 15, 17)},
	{.kind = "default-credential",
	 .ja = {"ある機器で、工場出荷時のユーザ名とパスワード（初期パスワード）が使われています。",
		"初期パスワードは取扱説明書やインターネット上で公開されており、攻撃用のツールが最初に試します。初期パスワードのままの機器は、接続できる人なら誰でも乗っ取ることができます。",
		"すぐにご自分で決めたパスワードに変更してください。長く、推測されにくく（誕生日や名前は避ける）、ほかの機器やサービスと使い回さないものにしてください。ユーザ名も変更できる場合は変更してください。パスワードを変更できない機器は、メーカーのサポート窓口に相談し、それまではインターネットから接続できないようにしてください。"},
	 .en = {"A device uses the user name and password it came with from the factory (a default password).",
		"Default passwords are printed in manuals and published on the Internet, and attack tools try them first. Anyone who can reach a device that keeps one can take it over.",
		"Change the password now to one of your own: long, hard to guess (no birthdays or names) and not shared with other devices or services. Change the user name too if the device allows it. If the password cannot be changed, contact the maker's support and keep the device unreachable from the Internet until then."},
	 RULES(2), KPS(15)},
	{.kind = "wan-exposure",
	 .ja = {"ある機器が、インターネットから接続できる状態になっています（ルータのポート転送やUPnPの設定によるものなど）。",
		"インターネット上の誰もが、その機器へのログインや弱点を突く攻撃を試みることができます。攻撃用のツールは毎日インターネット全体からこうした機器を探しており、こうして公開された管理画面が海外から悪用された事例もあります。",
		"外出先などから接続する必要がなければ、ルータの設定でポート転送を閉じ、UPnPを無効にしてください。必要な場合は、できるだけメーカーのアプリやVPNを使う方法に切り替え、機器に強いパスワードを設定し、ファームウェアを最新の状態にしてください。"},
	 .en = {"A device can be reached from the Internet, for example through a port forward or a UPnP mapping on your router.",
		"Anyone on the Internet can then try to log in to it or attack its weaknesses. Attack tools search the whole Internet for such devices every day, and admin pages exposed this way have been abused from abroad.",
		"If you do not need to reach the device from outside, close the port forward in your router's settings and turn off UPnP. If you do need it, prefer the maker's app or a VPN, give the device a strong password and keep its firmware up to date."},
	 RULES(2), KPS(15, 17, 21)},
	{.kind = "vulnerable-firmware",
	 .ja = {"機器のファームウェアのバージョンが、既知の脆弱性（セキュリティ上の欠陥）があるものと一致しました。",
		"既知の脆弱性は公開されており、攻撃者はそれを使って、場合によってはパスワードがなくても、機器を遠隔から乗っ取ります。脆弱性を直せるのはファームウェアの更新だけです。",
		"機器の更新機能、またはメーカーの公式サイトから、ファームウェアを最新版に更新してください（ほかの入手先のファイルは使わないでください）。修正版がない場合は、メーカーのサポート窓口に相談し、インターネットから接続できないようにしたうえで、買い替えを検討してください。"},
	 .en = {"The device's firmware version matches one with known security flaws (vulnerabilities).",
		"Known flaws are published, and attackers use them to take over devices remotely, sometimes without needing any password. Only a firmware update fixes them.",
		"Update the firmware to the latest version with the device's update function or from the maker's official website (do not use files from anywhere else). If there is no fixed version, contact the maker's support, keep the device unreachable from the Internet and consider replacing it."},
	 RULES(1, 2), KPS(17, 21)},
	{.kind = "end-of-support",
	 .ja = {"この機器の機種はサポートが終了しており、メーカーからセキュリティの更新が提供されなくなっています。",
		"これから見つかる脆弱性は修正されないため、時間が経つほど攻撃を受けやすくなります。不具合が起きても、相談できる窓口がありません。",
		"サポートや問い合わせ窓口がある機種への買い替えを計画してください。それまでは、インターネットから接続できないようにし（ポート転送やUPnPを使わない）、強いパスワードを設定してください。使っていない機器であれば電源を切ってください。処分・売却・譲渡の前には、初期化機能でデータを消去してください。"},
	 .en = {"This device's model has reached the end of its support: its maker no longer provides security updates for it.",
		"Flaws found from now on will never be fixed, so the device gets easier to attack as time passes, and there is no support desk to help when something goes wrong.",
		"Plan to replace it with a model that still has support and a contact desk. Until then, keep it unreachable from the Internet (no port forwards or UPnP) and give it a strong password. If you no longer use it, unplug it. Before you discard, sell or give it away, erase its data with its full-reset function."},
	 RULES(1, 3, 4), KPS(17, 21)},
	{.kind = "cleartext-admin",
	 .ja = {"機器の管理画面や管理用の接続が、暗号化されないまま提供されています（HTTPSやSSHではなく、HTTPやTELNETなど）。",
		"管理画面に送ったパスワードや設定は、通信を見ることができる人なら誰でも読み取り、書き換えることができます。",
		"機器が対応していれば、暗号化された方法（HTTPSやSSH）を使い、暗号化されない方法は無効にしてください。暗号化されない接続で使った管理者パスワードは変更してください。暗号化に対応していない場合は、対応する更新があるかメーカーのサポート窓口に問い合わせ、管理画面にインターネットから接続できないことを確認してください。"},
	 .en = {"A device offers its admin page or console without encryption (HTTP or TELNET instead of HTTPS or SSH).",
		"Passwords and settings sent to it can be read, and changed, by anyone who can see the traffic.",
		"Use the encrypted way in (HTTPS or SSH) if the device has one, and turn the unencrypted one off. Change the admin password if you have used it over the unencrypted connection. If the device has no encrypted option, ask the maker's support whether an update adds one, and make sure the admin page cannot be reached from the Internet."},
	 RULES(2), KPS(15, 17)},
	{.kind = "no-authentication",
	 .ja = {"ある機器が、パスワードを求めずにサービスや操作機能を提供しています（カメラの映像、MQTTブローカ、管理画面など）。",
		"接続できる人なら誰でも、侵入する手間もなく、見る・読む・操作することができます。",
		"機器の設定でパスワードによる保護を有効にし、ご自分で決めた強いパスワードを設定してください。パスワードを設定できない場合は、そのサービスを無効にするか、ご自分の機器からしか接続できないようにし、インターネットには公開しないでください。設定方法が分からない場合は、メーカーのサポート窓口に問い合わせてください。"},
	 .en = {"A device offers a service or a control function without asking for any password (for example a camera stream, an MQTT broker or an admin page).",
		"Anyone who can reach it can watch, read or control it without having to break in.",
		"Turn on password protection in the device's settings and set a strong password of your own. If the device cannot require a password, turn the service off or make sure only your own devices can reach it, and never expose it to the Internet. Ask the maker's support if you cannot find the setting."},
	 RULES(2), KPS(15, 21)},
	{.kind = "weak-tls",
	 .ja = {"ある機器が、古いまたは弱い暗号化を使っています（古いTLS・SSLのバージョン、弱い暗号方式、問題のある証明書など）。",
		"弱い暗号化は破られたり、すり抜けられたりするため、保護されているように見えるパスワードやデータが、途中で読み取られたり書き換えられたりするおそれがあります。機器のソフトウェアが長い間更新されていないことを示している場合も多くあります。",
		"機器のファームウェアやアプリを最新版に更新してください。それでも改善しない場合は、メーカーのサポート窓口に修正の予定を問い合わせてください。それまでは、その機器を通じて大切な情報を送らないようにし、修正が提供されない場合は買い替えを検討してください。"},
	 .en = {"A device uses outdated or weak encryption (an old TLS or SSL version, a weak cipher, or a faulty certificate).",
		"Weak encryption can be broken or bypassed, so passwords and data that look protected may be read or altered on the way. It also often means the device's software has not been updated for a long time.",
		"Update the device's firmware and apps to the latest version. If the problem remains, ask the maker's support whether a fix is planned. Until then, avoid sending important information through the device, and if no fix will come, consider replacing it."},
	 RULES(1, 2), KPS(17)},
	{.kind = "update-failed",
	 .ja = {"機器が報告した状態によると、ソフトウェア（ファームウェア）の更新が失敗したか、適用されていません。",
		"更新が適用されないと、修正済みの弱点が機器に残ったままになり、攻撃に悪用されるおそれがあります。",
		"機器の電源とネットワークの接続を確認し、取扱説明書の手順で更新をやり直してください。繰り返し失敗する場合は、メーカーのサポート窓口に問い合わせてください。更新が終わるまでは、その機器をインターネットから直接接続できないようにしてください。"},
	 .en = {"The device's own status report says that a software (firmware) update failed or was not applied.",
		"Without the update, weaknesses the maker has already fixed stay on the device and can be used to attack it.",
		"Check the device's power and network connection and run the update again as its manual explains. If it keeps failing, contact the maker's support. Until it is updated, make sure the device cannot be reached directly from the Internet."},
	 RULES(2), KPS(16, 17)},
	{.kind = "default-password-unchanged",
	 .ja = {"機器が報告した状態によると、出荷時のパスワードがまだ変更されていません。",
		"出荷時のパスワードは推測されやすく、第三者が機器に入り込み、乗っ取るきっかけになります。",
		"機器の設定画面で、ご自分で決めた長く推測されにくいパスワードに変更してください。ほかで使っているパスワードの使い回しや、誕生日などの推測されやすいものは避けてください。"},
	 .en = {"The device's own status report says that its factory password has not been changed yet.",
		"Factory passwords are easy to guess and are a common way for strangers to get into a device and take it over.",
		"Change it in the device's settings to a long password of your own that is hard to guess. Do not reuse a password from elsewhere or use something guessable like a birthday."},
	 RULES(2), KPS(4, 15)},
	{.kind = "firmware-outdated",
	 .ja = {"機器のファームウェアが、設定された期限までに更新されていません。",
		"古いファームウェアには、すでに知られている弱点が残っていることが多く、攻撃の対象になりやすくなります。",
		"メーカーの案内に従ってファームウェアを最新版に更新してください。更新が提供されていない場合は、サポートの状況をメーカーに確認し、買い替えを検討してください。"},
	 .en = {"The device's firmware has not been updated by the deadline set for this network.",
		"Old firmware often still has publicly known weaknesses, which makes the device an easy target.",
		"Update the firmware to the latest version as the maker explains. If no update is offered, ask the maker about support and consider replacing the device."},
	 RULES(1, 2), KPS(17, 21)},
	{.kind = "status-invalid",
	 .ja = {"機器から届いた状態の報告の署名を確認できませんでした（改ざん、なりすまし、または登録されていない機器の可能性があります）。",
		"署名を確認できない報告は信用できません。機器が乗っ取られたか、別の機器がなりすましている可能性があります。",
		"その機器が本当にご自分の機器か、メーカーの鍵が正しく登録されているかを確認してください。心当たりがない場合は、その機器をネットワークから外し、メーカーのサポート窓口に相談してください。"},
	 .en = {"A status report that claims to come from a device failed its signature check (it may be altered, forged, or from a device that is not enrolled).",
		"A report that cannot be verified cannot be trusted: the device may have been taken over, or another device may be pretending to be it.",
		"Check that the device is really yours and that its maker's key is enrolled correctly. If you cannot explain it, take the device off the network and ask the maker's support."},
	 RULES(3), KPS(13, 16)},
};

#define ADVICE_N (sizeof advice_table / sizeof advice_table[0])

const struct advice *advice_for(const char *kind)
{
	if (!kind)
		return NULL;
	for (size_t i = 0; i < ADVICE_N; i++)
		if (strcmp(kind, advice_table[i].kind) == 0)
			return &advice_table[i];
	return NULL;
}

const char *advice_text(const char *kind, const char *lang, enum advice_part part)
{
	const struct advice *a = advice_for(kind);
	if (!a)
		return NULL;
	const struct advice_text *t = lang_is_ja(lang) ? &a->ja : &a->en;
	switch (part) {
	case ADVICE_WHAT:
		return t->what;
	case ADVICE_WHY:
		return t->why;
	case ADVICE_TODO:
		return t->todo;
	default:
		return NULL;
	}
}

size_t advice_count(void)
{
	return ADVICE_N;
}

const struct advice *advice_at(size_t i)
{
	return i < ADVICE_N ? &advice_table[i] : NULL;
}

const char *advice_part_label(enum advice_part part, const char *lang)
{
	static const char *const ja[ADVICE_PART_COUNT] = {"何が起きたか", "なぜ問題か", "今すぐすること"};
	static const char *const en[ADVICE_PART_COUNT] = {"What happened", "Why it matters", "What to do now"};
	if ((unsigned)part >= ADVICE_PART_COUNT)
		return NULL;
	return lang_is_ja(lang) ? ja[part] : en[part];
}

const char *advice_label(const char *lang)
{
	return lang_is_ja(lang) ? "対処方法" : "What to do";
}

const char *advice_rule_title(int rule, const char *lang)
{
	static const char *const ja[ADVICE_RULE_COUNT] = {
		"問合せ窓口やサポートがない機器やサービスの購入・利用を控える",
		"初期設定に気をつける",
		"使用しなくなった機器については電源を切る",
		"機器を手放す時はデータを消す",
	};
	static const char *const en[ADVICE_RULE_COUNT] = {
		"Avoid devices and services without a support contact",
		"Take care with initial settings",
		"Switch off devices you no longer use",
		"Erase data before letting a device go",
	};
	if (rule < 1 || rule > ADVICE_RULE_COUNT)
		return NULL;
	return lang_is_ja(lang) ? ja[rule - 1] : en[rule - 1];
}

const char *advice_rule_label(const char *lang)
{
	return lang_is_ja(lang) ? "一般利用者のためのルール" : "Guideline rule for users";
}
