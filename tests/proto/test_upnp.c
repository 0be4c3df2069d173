/* test_upnp.c - unit tests for the UPnP description scanner (proto/upnp.c):
 * normal descriptions, entities, hostile XML (billion laughs, deep nesting,
 * missing close tags, truncation at every length). */
#include <stdlib.h>

#define FACT_VALUE_MAX 512
#include "facts_sink.h"
#include "proto/upnp.h"
#include "test.h"

/* Parses a copy of exactly len bytes on the heap, so ASan sees overreads. */
static void parse(const char *xml, size_t len)
{
	char *copy = malloc(len ? len : 1);
	if (len)
		memcpy(copy, xml, len);
	nrec = 0;
	upnp_parse_description(copy, len, ABOUT_SERVER, &sink);
	free(copy);
}

static void parse_str(const char *xml)
{
	parse(xml, strlen(xml));
}

static const char desc[] =
	"<?xml version=\"1.0\"?>\r\n"
	"<root xmlns=\"urn:schemas-upnp-org:device-1-0\">\r\n"
	"<specVersion><major>1</major><minor>0</minor></specVersion>\r\n"
	"<device>\r\n"
	"<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>\r\n"
	"<friendlyName>My Router</friendlyName>\r\n"
	"<manufacturer>NETGEAR, Inc.</manufacturer>\r\n"
	"<modelName>R7000</modelName>\r\n"
	"<modelNumber>V1.0.9.88</modelNumber>\r\n"
	"<deviceList><device><manufacturer>Embedded Co</manufacturer>"
	"<modelName>WAN</modelName><firmwareVersion>9.9</firmwareVersion></device></deviceList>\r\n"
	"<softwareVersion>1.0.9.88_10.2.88</softwareVersion>\r\n"
	"</device>\r\n"
	"<manufacturer>After Root</manufacturer>\r\n"
	"</root>\r\n";

static void test_normal(void)
{
	parse_str(desc);
	CHECK_INT(nrec, 3);
	CHECK_STR(val(FACT_MANUFACTURER), "NETGEAR, Inc.");
	CHECK_STR(val(FACT_MODEL), "R7000 V1.0.9.88");
	CHECK_STR(val(FACT_FIRMWARE), "1.0.9.88_10.2.88");
	for (int i = 0; i < nrec; i++)
		CHECK_INT(recs[i].about, ABOUT_SERVER);
}

static void test_namespaces_and_priority(void)
{
	parse_str("<s:root><s:device><s:manufacturer>  Acme\n </s:manufacturer>"
		  "<fwVersion>3</fwVersion><firmwareVersion>2.1</firmwareVersion>"
		  "<MODELNAME>Cam</MODELNAME><modelNumber>Cam</modelNumber></s:device></s:root>");
	CHECK_STR(val(FACT_MANUFACTURER), "Acme");
	CHECK_STR(val(FACT_FIRMWARE), "2.1"); /* firmwareVersion wins over fwVersion */
	CHECK_STR(val(FACT_MODEL), "Cam");    /* number already in the name */
	CHECK_INT(count(FACT_FIRMWARE), 1);
}

static void test_entities_and_cdata(void)
{
	parse_str("<root><device><manufacturer>AT&amp;T &lt;&gt;&quot;&apos; &#65; &bogus;</manufacturer>"
		  "<modelName><![CDATA[Box <2> &amp;]]></modelName></device></root>");
	CHECK_STR(val(FACT_MANUFACTURER), "AT&T <>\"' &#65; &bogus;");
	CHECK_STR(val(FACT_MODEL), "Box <2> &amp;");
}

static void test_billion_laughs(void)
{
	const char *xml =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE lolz [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol9 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY evil \"<device><manufacturer>Evil</manufacturer></device>\">\n"
		" <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
		" <!-- ]> <device><manufacturer>Comment</manufacturer> -->\n"
		"]>\n"
		"<!ENTITY stray \"<device><manufacturer>Stray</manufacturer></device>\">\n"
		"<root><device><manufacturer>&lol9;</manufacturer><modelName>&xxe;&evil;</modelName>"
		"</device></root>";
	parse_str(xml);
	CHECK_STR(val(FACT_MANUFACTURER), "&lol9;");
	CHECK_STR(val(FACT_MODEL), "&xxe;&evil;");
	CHECK_INT(nrec, 2);
}

static void test_deep_nesting(void)
{
	size_t depth = 100000, n = 0;
	char *xml = malloc(depth * 8 + 256);
	n += (size_t)sprintf(xml + n, "<root><device><manufacturer>Deep</manufacturer>");
	for (size_t i = 0; i < depth; i++)
		n += (size_t)sprintf(xml + n, "<a>");
	n += (size_t)sprintf(xml + n, "<modelName>Inner</modelName>");
	parse(xml, n);
	CHECK_STR(val(FACT_MANUFACTURER), "Deep");
	CHECK(val(FACT_MODEL) == NULL); /* not a child of the root device */

	/* the device itself buried below the stack limit: ignored, no crash */
	n = 0;
	for (size_t i = 0; i < depth; i++)
		n += (size_t)sprintf(xml + n, "<a>");
	n += (size_t)sprintf(xml + n, "<device><manufacturer>X</manufacturer></device>");
	for (size_t i = 0; i < depth; i++)
		n += (size_t)sprintf(xml + n, "</a>");
	parse(xml, n);
	CHECK_INT(nrec, 0);
	free(xml);
}

static void test_unclosed(void)
{
	parse_str("<root><device><manufacturer>Acme<modelName>X<firmwareVersion>1");
	CHECK_STR(val(FACT_MANUFACTURER), "Acme");
	CHECK(val(FACT_MODEL) == NULL);
	CHECK(val(FACT_FIRMWARE) == NULL);

	/* unmatched close tags are ignored; the device is closed by its own tag */
	parse_str("<root><device><x></y></z></x><manufacturer>A</manufacturer>"
		  "<modelName>M</modelName></device><modelNumber>N</modelNumber></root>");
	CHECK_STR(val(FACT_MANUFACTURER), "A");
	CHECK_STR(val(FACT_MODEL), "M");

	/* unterminated tag, comment, CDATA, PI, declaration */
	const char *bad[] = { "<root><device><manufacturer", "<root><device><!-- ", "<root><device><![CDATA[",
			      "<root><device><?pi", "<!DOCTYPE [ <", "<root><device><manufacturer a=\"",
			      "<", "</", "<<<<>>>>", "<root><device><manufacturer><![CDATA[x" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		parse_str(bad[i]);
		CHECK_INT(nrec, 0);
	}
}

static void test_tricky_markup(void)
{
	parse_str("<root><!-- <device><manufacturer>C</manufacturer></device> -->"
		  "<manufacturer>Outside</manufacturer>"
		  "<device a='>' b=\"/>\"><manufacturer x=\"y\">Real</manufacturer>"
		  "<modelName/><modelNumber>7</modelNumber></device></root>");
	CHECK_STR(val(FACT_MANUFACTURER), "Real");
	CHECK(val(FACT_MODEL) == NULL); /* modelName empty */
	CHECK_INT(nrec, 1);
}

static void test_long_values(void)
{
	char xml[2048], big[600];
	memset(big, 'M', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	snprintf(xml, sizeof xml, "<root><device><manufacturer>%s</manufacturer><modelName>%s</modelName>"
		 "<modelNumber>%s</modelNumber></device></root>", big, big, "9");
	parse_str(xml);
	CHECK_INT(recs[0].len, 128);
	CHECK_INT(strlen(val(FACT_MODEL)), 130); /* 128 + " 9" */
}

static void test_truncation(void)
{
	size_t len = strlen(desc);
	for (size_t cut = 0; cut <= len; cut++) {
		parse(desc, cut);
		const char *m = val(FACT_MANUFACTURER), *mo = val(FACT_MODEL), *fw = val(FACT_FIRMWARE);
		CHECK(!m || strcmp(m, "NETGEAR, Inc.") == 0);
		CHECK(!mo || strcmp(mo, "R7000") == 0 || strcmp(mo, "R7000 V1.0.9.88") == 0);
		CHECK(!fw || strcmp(fw, "1.0.9.88_10.2.88") == 0);
	}
	nrec = 0;
	upnp_parse_description(NULL, 0, ABOUT_SERVER, &sink);
	CHECK_INT(nrec, 0);
}

int main(void)
{
	test_normal();
	test_namespaces_and_priority();
	test_entities_and_cdata();
	test_billion_laughs();
	test_deep_nesting();
	test_unclosed();
	test_tricky_markup();
	test_long_values();
	test_truncation();
	return test_summary();
}
