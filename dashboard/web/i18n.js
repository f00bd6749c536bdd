// Every label of the dashboard in Thai (the default) and English, and locale-aware formatting.
// Static labels in index.html carry data-i18n="key"; views call t("key") while rendering.

import provinces from "./provinces.json";

const LANG_KEY = "siang.lang";

const MESSAGES = {
  th: {
    "app.title": "เสียง · แดชบอร์ดเรื่องร้องทุกข์",
    "app.subtitle": "ติดตามเสียงประชาชนบนสื่อสังคมออนไลน์ สำหรับศูนย์บริการประชาชน 1111",
    "lang.switch": "EN",
    "lang.switch.title": "Switch to English",
    "nav.overview": "ภาพรวม",
    "nav.topic": "เจาะลึกหัวข้อ",
    "nav.complaint": "ค้นหาเรื่องร้องเรียน",
    "nav.logout": "เปลี่ยนคีย์",
    "key.title": "เข้าสู่แดชบอร์ด",
    "key.help": "ใส่คีย์ API ที่ได้รับจากผู้ดูแลระบบ คีย์จะถูกเก็บไว้ในแท็บนี้เท่านั้น",
    "key.label": "คีย์ API",
    "key.submit": "เข้าสู่ระบบ",
    "key.checking": "กำลังตรวจสอบคีย์…",
    "error.401": "คีย์ API ไม่ถูกต้องหรือหมดอายุ กรุณาใส่คีย์ใหม่",
    "error.403": "คีย์นี้ไม่มีสิทธิ์ใช้งานส่วนนี้ กรุณาติดต่อผู้ดูแลระบบ",
    "error.404": "ไม่พบข้อมูลที่ค้นหา",
    "error.network": "ติดต่อเซิร์ฟเวอร์ไม่ได้",
    "error.generic": "เกิดข้อผิดพลาด",
    loading: "กำลังโหลด…",
    empty: "ไม่มีข้อมูล",
    "filters.title": "ตัวกรอง",
    "filters.start": "ตั้งแต่วันที่",
    "filters.end": "ถึงวันที่",
    "filters.province": "จังหวัด",
    "filters.category": "หมวด",
    "filters.sentiment": "ความรู้สึก",
    "filters.interval": "ช่วงเวลา",
    "filters.all": "ทั้งหมด",
    "filters.apply": "ใช้ตัวกรอง",
    "filters.clear": "ล้าง",
    "interval.day": "รายวัน",
    "interval.hour": "รายชั่วโมง",
    "trending.title": "หัวข้อที่กำลังมาแรง",
    "emerging.title": "เรื่องร้องทุกข์ที่เริ่มเกิดขึ้น",
    "emerging.now": "ตอนนี้ (24 ชม.)",
    "emerging.week": "7 วันที่ผ่านมา",
    "emerging.month": "30 วันที่ผ่านมา",
    "emerging.clock.data": "นับจากเวลาล่าสุดของข้อมูล {time} (ข้อมูลย้อนหลัง/สาธิต)",
    "emerging.clock.real": "นับจากเวลาปัจจุบัน {time}",
    "emerging.detected": "พบเมื่อ {time}",
    "emerging.national": "ทั่วประเทศ",
    "timeline.title": "จำนวนโพสต์ตามเวลา",
    "map.title": "แผนที่ประเทศไทยรายจังหวัด",
    "map.credit": "แผนที่: @svg-maps/thailand (CC BY 4.0) จาก MapSVG",
    "sentiment.title": "สัดส่วนความรู้สึก",
    "category.title": "หมวดเรื่องร้องทุกข์",
    posts: "โพสต์",
    "posts.count": "{n} โพสต์",
    "topic.size": "ขนาด",
    "topic.spike": "คะแนนพุ่ง",
    "topic.category": "หมวดหลัก",
    "topic.firstSeen": "พบครั้งแรก",
    "topic.lastSeen": "พบล่าสุด",
    "topic.keywords": "คำสำคัญ",
    "topic.timeline": "ไทม์ไลน์ของหัวข้อ",
    "topic.sentiment": "ความรู้สึกในหัวข้อ",
    "topic.provinces": "จังหวัดที่พูดถึง",
    "topic.posts": "โพสต์ในหัวข้อ",
    "topic.complaints": "เรื่องร้องเรียนที่เชื่อมโยง",
    "topic.none": "เลือกหัวข้อจากหน้าภาพรวมเพื่อดูรายละเอียด",
    "topic.noComplaints": "ยังไม่มีเรื่องร้องเรียนที่เชื่อมโยงกับหัวข้อนี้",
    "topic.officersOnly": "เรื่องร้องเรียนที่เชื่อมโยงแสดงเฉพาะคีย์ของเจ้าหน้าที่รับเรื่อง",
    "topic.more": "โหลดเพิ่ม",
    "complaint.id": "เลขที่เรื่องร้องเรียน",
    "complaint.linkedPosts": "โพสต์ที่เชื่อมโยง",
    "complaint.bestScore": "คะแนนสูงสุด",
    "complaint.lookup": "ค้นหา",
    "complaint.help": "พิมพ์เลขที่เรื่อง เช่น 1111-2569-000001 เพื่อดูประวัติสถานะและโพสต์ที่เกี่ยวข้อง",
    "complaint.filed": "วันที่ยื่นเรื่อง",
    "complaint.channel": "ช่องทาง",
    "complaint.agency": "หน่วยงาน",
    "complaint.place": "สถานที่",
    "complaint.history": "ประวัติสถานะ",
    "complaint.noHistory": "ยังไม่มีการเปลี่ยนสถานะ",
    "complaint.related": "โพสต์ที่เกี่ยวข้อง",
    "complaint.noRelated": "ยังไม่พบโพสต์ที่เกี่ยวข้อง",
    "complaint.notFound": "ไม่พบเรื่องร้องเรียนเลขที่ {id}",
    "link.score": "ความน่าจะเป็น",
    "link.explanation": "เหตุผล",
    "link.matched": "สัญญาณที่ตรงกัน",
    "link.sharedWords": "คำที่ตรงกัน",
    "link.days": "เวลาที่โพสต์",
    "link.daysAfter": "หลังยื่นเรื่อง {n} วัน",
    "link.daysBefore": "ก่อนยื่นเรื่อง {n} วัน",
    "link.place": "สถานที่",
    "link.distance": "ระยะทาง",
    "link.distanceValue": "{n} กม.",
    "link.confirm": "ยืนยันว่าเกี่ยวข้อง",
    "link.reject": "ไม่เกี่ยวข้อง",
    "link.note": "หมายเหตุ (ไม่บังคับ)",
    "link.pending": "รอเจ้าหน้าที่ตรวจสอบ",
    "link.decided": "{verdict} โดย {by} เมื่อ {at}",
    "link.saving": "กำลังบันทึก…",
    "verdict.confirmed": "ยืนยันแล้ว",
    "verdict.rejected": "ปฏิเสธแล้ว",
    "post.open": "เปิดโพสต์ต้นฉบับ",
    "post.unknownPlace": "ไม่ระบุจังหวัด",
    "status.emerging": "เกิดใหม่",
    "status.growing": "กำลังเติบโต",
    "status.stable": "คงที่",
    "status.fading": "ซาลง",
    "status.merged": "ถูกรวม",
    "sentiment.positive": "เชิงบวก",
    "sentiment.neutral": "เป็นกลาง",
    "sentiment.negative": "เชิงลบ",
    "cstatus.received": "รับเรื่องแล้ว",
    "cstatus.in_progress": "กำลังดำเนินการ",
    "cstatus.forwarded": "ส่งต่อหน่วยงานแล้ว",
    "cstatus.resolved": "แก้ไขแล้ว",
    "cstatus.closed": "ปิดเรื่อง",
    "signal.cosine": "ความหมายใกล้กัน",
    "signal.lexical": "คำตรงกัน",
    "signal.chars": "ตัวอักษรตรงกัน",
    "signal.province": "จังหวัดเดียวกัน",
    "signal.district": "อำเภอ/เขตเดียวกัน",
    "signal.near": "อยู่ใกล้กัน",
    "signal.category": "หมวดเดียวกัน",
    "signal.time": "ช่วงเวลาใกล้กัน",
    "platform.x": "X",
    "platform.facebook": "Facebook",
    "platform.youtube": "YouTube",
    "platform.bluesky": "Bluesky",
    "platform.pantip": "Pantip",
    "platform.news": "ข่าว",
    "platform.news_comment": "ความเห็นใต้ข่าว",
    "platform.web": "เว็บไซต์",
    "category.road_traffic": "ถนนและการจราจร",
    "category.flood_water": "น้ำท่วม",
    "category.electricity": "ไฟฟ้า",
    "category.water_supply": "น้ำประปา",
    "category.waste_environment": "ขยะและสิ่งแวดล้อม",
    "category.public_health": "สาธารณสุข",
    "category.corruption": "ทุจริตคอร์รัปชัน",
    "category.public_safety": "ความปลอดภัยสาธารณะ",
    "category.education": "การศึกษา",
    "category.welfare": "สวัสดิการ",
    "category.transport": "ขนส่งสาธารณะ",
    "category.telecom": "โทรคมนาคม",
    "category.noise_nuisance": "เสียงรบกวนและเหตุรำคาญ",
    "category.consumer": "คุ้มครองผู้บริโภค",
    "category.land_housing": "ที่ดินและที่อยู่อาศัย",
    "category.none": "ไม่ใช่เรื่องร้องทุกข์",
  },
  en: {
    "app.title": "Siang · grievance dashboard",
    "app.subtitle": "Public voices on Thai social media, for the 1111 complaint centre",
    "lang.switch": "ไทย",
    "lang.switch.title": "เปลี่ยนเป็นภาษาไทย",
    "nav.overview": "Overview",
    "nav.topic": "Topic drill-down",
    "nav.complaint": "Complaint lookup",
    "nav.logout": "Change key",
    "key.title": "Open the dashboard",
    "key.help": "Enter the API key your administrator gave you. It is kept in this tab only.",
    "key.label": "API key",
    "key.submit": "Sign in",
    "key.checking": "Checking the key…",
    "error.401": "The API key is wrong or has expired. Please enter a new key.",
    "error.403": "This key is not allowed to use this part. Please ask your administrator.",
    "error.404": "Nothing found.",
    "error.network": "Cannot reach the server.",
    "error.generic": "Something went wrong",
    loading: "Loading…",
    empty: "No data",
    "filters.title": "Filters",
    "filters.start": "From",
    "filters.end": "To",
    "filters.province": "Province",
    "filters.category": "Category",
    "filters.sentiment": "Sentiment",
    "filters.interval": "Interval",
    "filters.all": "All",
    "filters.apply": "Apply",
    "filters.clear": "Clear",
    "interval.day": "Daily",
    "interval.hour": "Hourly",
    "trending.title": "Trending topics",
    "emerging.title": "Emerging grievances",
    "emerging.now": "Now (24 h)",
    "emerging.week": "Last 7 days",
    "emerging.month": "Last 30 days",
    "emerging.clock.data": "As of the data's latest time {time} (historical or demo store)",
    "emerging.clock.real": "As of now, {time}",
    "emerging.detected": "seen {time}",
    "emerging.national": "nationwide",
    "timeline.title": "Posts over time",
    "map.title": "Thailand by province",
    "map.credit": "Map: @svg-maps/thailand (CC BY 4.0) by MapSVG",
    "sentiment.title": "Sentiment mix",
    "category.title": "Grievance categories",
    posts: "posts",
    "posts.count": "{n} posts",
    "topic.size": "Size",
    "topic.spike": "Spike score",
    "topic.category": "Main category",
    "topic.firstSeen": "First seen",
    "topic.lastSeen": "Last seen",
    "topic.keywords": "Keywords",
    "topic.timeline": "Topic timeline",
    "topic.sentiment": "Sentiment in the topic",
    "topic.provinces": "Provinces mentioned",
    "topic.posts": "Posts in the topic",
    "topic.complaints": "Linked complaints",
    "topic.none": "Pick a topic on the overview to see its details.",
    "topic.noComplaints": "No complaint is linked to this topic yet.",
    "topic.officersOnly": "Linked complaints are shown to officer keys only.",
    "topic.more": "Load more",
    "complaint.id": "Complaint ID",
    "complaint.linkedPosts": "Linked posts",
    "complaint.bestScore": "Best score",
    "complaint.lookup": "Look up",
    "complaint.help":
      "Type a complaint ID, e.g. 1111-2569-000001, to see its status history and related posts.",
    "complaint.filed": "Filed",
    "complaint.channel": "Channel",
    "complaint.agency": "Agency",
    "complaint.place": "Place",
    "complaint.history": "Status history",
    "complaint.noHistory": "No status change yet.",
    "complaint.related": "Related posts",
    "complaint.noRelated": "No related post found yet.",
    "complaint.notFound": "No complaint with ID {id}.",
    "link.score": "Likelihood",
    "link.explanation": "Why",
    "link.matched": "Signals that agree",
    "link.sharedWords": "Shared words",
    "link.days": "Posted",
    "link.daysAfter": "{n} days after filing",
    "link.daysBefore": "{n} days before filing",
    "link.place": "Place",
    "link.distance": "Distance",
    "link.distanceValue": "{n} km",
    "link.confirm": "Confirm link",
    "link.reject": "Reject link",
    "link.note": "Note (optional)",
    "link.pending": "Awaiting an officer's review",
    "link.decided": "{verdict} by {by} on {at}",
    "link.saving": "Saving…",
    "verdict.confirmed": "Confirmed",
    "verdict.rejected": "Rejected",
    "post.open": "Open the original post",
    "post.unknownPlace": "No province",
    "status.emerging": "Emerging",
    "status.growing": "Growing",
    "status.stable": "Stable",
    "status.fading": "Fading",
    "status.merged": "Merged",
    "sentiment.positive": "Positive",
    "sentiment.neutral": "Neutral",
    "sentiment.negative": "Negative",
    "cstatus.received": "Received",
    "cstatus.in_progress": "In progress",
    "cstatus.forwarded": "Forwarded",
    "cstatus.resolved": "Resolved",
    "cstatus.closed": "Closed",
    "signal.cosine": "Similar meaning",
    "signal.lexical": "Shared words",
    "signal.chars": "Shared characters",
    "signal.province": "Same province",
    "signal.district": "Same district",
    "signal.near": "Nearby",
    "signal.category": "Same category",
    "signal.time": "Close in time",
    "platform.x": "X",
    "platform.facebook": "Facebook",
    "platform.youtube": "YouTube",
    "platform.bluesky": "Bluesky",
    "platform.pantip": "Pantip",
    "platform.news": "News article",
    "platform.news_comment": "News comment",
    "platform.web": "Web",
    "category.road_traffic": "Roads & traffic",
    "category.flood_water": "Flooding",
    "category.electricity": "Electricity",
    "category.water_supply": "Water supply",
    "category.waste_environment": "Waste & environment",
    "category.public_health": "Public health",
    "category.corruption": "Corruption",
    "category.public_safety": "Public safety",
    "category.education": "Education",
    "category.welfare": "Welfare",
    "category.transport": "Public transport",
    "category.telecom": "Telecom",
    "category.noise_nuisance": "Noise & nuisance",
    "category.consumer": "Consumer protection",
    "category.land_housing": "Land & housing",
    "category.none": "Not a grievance",
  },
};

export const CATEGORIES = [
  "road_traffic",
  "flood_water",
  "electricity",
  "water_supply",
  "waste_environment",
  "public_health",
  "corruption",
  "public_safety",
  "education",
  "welfare",
  "transport",
  "telecom",
  "noise_nuisance",
  "consumer",
  "land_housing",
  "none",
];
export const SENTIMENTS = ["negative", "neutral", "positive"];

const PROVINCE_EN = Object.fromEntries(Object.values(provinces).map((p) => [p.th, p.en]));
export const PROVINCES_TH = Object.values(provinces)
  .map((p) => p.th)
  .sort((a, b) => a.localeCompare(b, "th"));

let current = storedLang();

function storedLang() {
  const saved = localStorage.getItem(LANG_KEY);
  return saved === "en" ? "en" : "th";
}

export function lang() {
  return current;
}

export function setLang(value) {
  current = value === "en" ? "en" : "th";
  localStorage.setItem(LANG_KEY, current);
  document.documentElement.lang = current;
}

/** The label for ``key`` in the current language, with {name} placeholders filled. */
export function t(key, params = {}) {
  const text = MESSAGES[current][key] ?? MESSAGES.th[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/** A label from one of the API's vocabularies (status, sentiment, category, ...). */
export function term(kind, value) {
  if (value === null || value === undefined || value === "") return "–";
  const key = `${kind}.${value}`;
  return key in MESSAGES[current] ? t(key) : String(value);
}

/** Official Thai province name, shown in English when the UI is in English. */
export function provinceName(thai) {
  if (!thai) return t("post.unknownPlace");
  return current === "en" ? (PROVINCE_EN[thai] ?? thai) : thai;
}

/** Fill every [data-i18n] element under ``root`` (text) and [data-i18n-*] attribute. */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  document.title = t("app.title");
}

const LOCALES = { th: "th-TH", en: "en-GB" };

/** A time in Asia/Bangkok, in the UI's language (Thai shows the Buddhist-era year). */
export function formatTime(iso, { dateOnly = false } = {}) {
  if (!iso) return "–";
  const options = { timeZone: "Asia/Bangkok", dateStyle: "medium" };
  if (!dateOnly) options.timeStyle = "short";
  return new Intl.DateTimeFormat(LOCALES[current], options).format(new Date(iso));
}

export function formatNumber(value, digits = 0) {
  return new Intl.NumberFormat(LOCALES[current], {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(value);
}

export function formatPercent(value) {
  return new Intl.NumberFormat(LOCALES[current], { style: "percent" }).format(value);
}
