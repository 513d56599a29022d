// Writes a generated Arabic news corpus in the import format (JSON Lines):
//   bench_corpus COUNT [SEED] > articles.jsonl
// Each article belongs to one of a few dozen stories; a story fixes its
// section, its tags and the words its titles and paragraphs draw on most, so
// that related articles have real work to do (shared terms, tags, sections)
// and articles are about the size of a wire story (2–5 KB of text). Output is
// a function of COUNT and SEED only: two runs import the same corpus.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Story {
  std::string_view section;  // a slug of deploy/seed/sections.tsv
  std::vector<std::string_view> tags;
  std::vector<std::string_view> words;
};

const std::vector<Story>& Stories() {
  static const std::vector<Story> stories = {
      {"سياسة",
       {"مجلس الوزراء", "الانتخابات"},
       {"الحكومة", "البرلمان", "الوزير", "التشريعات", "الدستور", "الأحزاب", "الاقتراع", "المرشحين",
        "الجلسة", "التصويت"}},
      {"سياسة",
       {"الدبلوماسية", "الأمم المتحدة"},
       {"السفير", "المفاوضات", "الوفد", "القمة", "البيان", "الاتفاق", "الوساطة", "العلاقات",
        "الزيارة", "التعاون"}},
      {"سياسة",
       {"الأمن", "الحدود"},
       {"القوات", "الدوريات", "المعابر", "التهريب", "الحراسة", "الأمن", "التنسيق", "العمليات",
        "المراقبة", "الحدود"}},
      {"اقتصاد",
       {"النفط", "أوبك"},
       {"النفط", "البرميل", "الإنتاج", "الأسعار", "الصادرات", "المصافي", "الخام", "الإمدادات",
        "الطلب", "الأسواق"}},
      {"اقتصاد",
       {"البورصة", "الأسهم"},
       {"المؤشر", "الأسهم", "التداول", "السيولة", "الشركات", "الأرباح", "المستثمرين", "الجلسة",
        "القيمة", "المكاسب"}},
      {"اقتصاد",
       {"التضخم", "البنك المركزي"},
       {"الفائدة", "التضخم", "العملة", "الاحتياطي", "السياسة النقدية", "الأسعار", "المصارف",
        "القروض", "الودائع", "النمو"}},
      {"اقتصاد",
       {"التجارة", "الموانئ"},
       {"الموانئ", "الحاويات", "الشحن", "الواردات", "الجمارك", "السفن", "الرسوم", "السلع",
        "الممرات", "اللوجستيات"}},
      {"عربي-ودولي",
       {"المناخ", "قمة المناخ"},
       {"الانبعاثات", "المناخ", "الاحترار", "الطاقة المتجددة", "الجفاف", "الفيضانات", "الالتزامات",
        "التمويل", "الكربون", "التكيف"}},
      {"عربي-ودولي",
       {"اللاجئين", "الإغاثة"},
       {"اللاجئين", "المخيمات", "المساعدات", "الإغاثة", "النازحين", "الغذاء", "المياه", "المنظمات",
        "الشتاء", "الإيواء"}},
      {"عربي-ودولي",
       {"الانتخابات الأمريكية"},
       {"الناخبين", "الولايات", "الحملة", "المناظرة", "الاستطلاعات", "الكونغرس", "المرشح",
        "الأصوات", "البيت الأبيض", "الديمقراطيين"}},
      {"اتحاد-العالم-الاسلامي",
       {"منظمة التعاون الإسلامي", "الأمن الغذائي"},
       {"الدول الأعضاء", "المنظمة", "الأمن الغذائي", "الحبوب", "الاجتماع", "الأمانة العامة",
        "المبادرة", "التضامن", "البرامج", "التنمية"}},
      {"اتحاد-العالم-الاسلامي",
       {"الحج", "مكة المكرمة"},
       {"الحجاج", "المشاعر", "الموسم", "الخدمات", "الحشود", "النقل", "التفويج", "الضيوف", "الرعاية",
        "المناسك"}},
      {"اتحاد-العالم-الاسلامي",
       {"التعليم", "الجامعات الإسلامية"},
       {"الجامعات", "الطلاب", "المنح", "المناهج", "البحث العلمي", "الأساتذة", "التعليم", "الشراكات",
        "الكليات", "التبادل"}},
      {"رياضة",
       {"كرة القدم", "الدوري"},
       {"المباراة", "الهدف", "المدرب", "الفريق", "الملعب", "الجماهير", "الدوري", "الهجوم", "الدفاع",
        "الصدارة"}},
      {"رياضة",
       {"كأس العالم", "المنتخب"},
       {"المنتخب", "التصفيات", "المونديال", "القرعة", "المجموعة", "التأهل", "اللاعبين", "المعسكر",
        "الودية", "البطولة"}},
      {"رياضة",
       {"ألعاب القوى", "الأولمبياد"},
       {"السباق", "الرقم القياسي", "الميدالية", "العداء", "الأولمبياد", "التتويج", "المضمار",
        "القفز", "الرمي", "النهائي"}},
      {"ثقافة",
       {"معرض الكتاب", "النشر"},
       {"الكتاب", "الناشرين", "المعرض", "الروايات", "القراء", "الأجنحة", "التوقيع", "الترجمة",
        "الدورة", "الزوار"}},
      {"ثقافة",
       {"السينما", "المهرجانات"},
       {"الفيلم", "المهرجان", "المخرج", "العرض الأول", "الجوائز", "الممثلين", "السينما",
        "لجنة التحكيم", "الجمهور", "الإنتاج"}},
      {"ثقافة",
       {"التراث", "الآثار"},
       {"الآثار", "التنقيب", "المتحف", "القطع", "الحضارة", "الترميم", "المواقع", "التاريخ",
        "البعثة", "المخطوطات"}},
      {"تكنولوجيا",
       {"الذكاء الاصطناعي"},
       {"الخوارزميات", "النماذج", "البيانات", "التعلم الآلي", "الشركات الناشئة", "الحوسبة",
        "الروبوتات", "التطبيقات", "الخصوصية", "الأتمتة"}},
      {"تكنولوجيا",
       {"الأمن السيبراني", "الاختراق"},
       {"الاختراق", "القراصنة", "الثغرات", "الحماية", "التشفير", "البرمجيات الخبيثة", "الهجمات",
        "الشبكات", "الحسابات", "التحديثات"}},
      {"تكنولوجيا",
       {"الهواتف الذكية", "الاتصالات"},
       {"الهاتف", "الشبكات", "الجيل الخامس", "المعالج", "البطارية", "الكاميرا", "المستخدمين",
        "الإطلاق", "الشاشة", "المبيعات"}},
      {"منوعات",
       {"الصحة", "التغذية"},
       {"الأطباء", "الدراسة", "الصحة", "التغذية", "الرياضة", "النوم", "الفيتامينات", "الوقاية",
        "الأمراض", "العادات"}},
      {"منوعات",
       {"السياحة", "الطيران"},
       {"السياح", "الرحلات", "الفنادق", "المطار", "الموسم", "الحجوزات", "الوجهات", "الطيران",
        "الشواطئ", "التأشيرات"}},
      {"منوعات",
       {"الطقس", "الأرصاد"},
       {"الأمطار", "الرياح", "درجات الحرارة", "الغبار", "الأرصاد", "الموجة", "الضباب", "العواصف",
        "الإنذار", "الرطوبة"}},
  };
  return stories;
}

constexpr std::array<std::string_view, 40> kCommonWords = {
    "في",      "من",      "على",     "إلى",      "أن",      "مع",      "بعد",     "خلال",
    "وقال",    "وأضاف",   "وأكد",    "وأشار",    "المسؤول", "المصادر", "اليوم",   "الأسبوع",
    "الماضي",  "المقبل",  "العام",   "الجديد",   "الكبير",  "الأولى",  "الثانية", "الرسمية",
    "المحلية", "الدولية", "المنطقة", "العاصمة",  "المدينة", "الخطة",   "المرحلة", "التقرير",
    "الإعلان", "القرار",  "النتائج", "التطورات", "الجهود",  "الملف",   "الوضع",   "البلاد"};

constexpr std::array<std::string_view, 6> kAuthors = {"قسم الأخبار",       "مراسلنا في القاهرة",
                                                      "مراسلنا في الرياض", "وكالات",
                                                      "محرر الاقتصاد",     "محرر الرياضة"};

class Writer {
 public:
  Writer(int count, uint32_t seed) : count_(count), random_(seed) {}

  std::string Article(int index) {
    const auto& stories = Stories();
    const std::size_t story_index = Pick(stories.size());
    const Story& story = stories[story_index];
    std::string line = "{\"externalId\":\"bench-" + std::to_string(index) + "\",\"section\":\"";
    line += story.section;
    line += "\",\"title\":\"" + Sentence(story, 6 + Pick(6)) + " " + std::to_string(index);
    line += "\",\"summary\":\"" + Sentence(story, 20 + Pick(10)) + ".\",\"body\":[";
    const std::size_t paragraphs = 4 + Pick(5);
    for (std::size_t p = 0; p < paragraphs; ++p) {
      if (p) line += ',';
      line += '"';
      const std::size_t sentences = 2 + Pick(3);
      for (std::size_t s = 0; s < sentences; ++s) {
        if (s) line += ' ';
        line += Sentence(story, 10 + Pick(12)) + ".";
      }
      line += '"';
    }
    line += "],\"tags\":[";
    for (std::size_t t = 0; t < story.tags.size(); ++t) {
      if (t) line += ',';
      line += '"';
      line += story.tags[t];
      line += '"';
    }
    line += "],\"author\":\"";
    line += kAuthors[Pick(kAuthors.size())];
    // 86 minutes apart before a fixed day (6,000 cover a year), newest last.
    const std::time_t day = 1796083200;  // 2026-12-01T00:00:00Z
    const std::time_t published = day - static_cast<std::time_t>(count_ - index) * 5160;
    char when[32];
    std::tm utc{};
    gmtime_r(&published, &utc);
    std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &utc);
    line += "\",\"publishedAt\":\"";
    line += when;
    line += "\"}";
    return line;
  }

 private:
  std::size_t Pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_);
  }

  // Two words in five from the story, the rest common words.
  std::string Sentence(const Story& story, std::size_t words) {
    std::string out;
    for (std::size_t w = 0; w < words; ++w) {
      if (w) out += ' ';
      out += Pick(5) < 2 ? story.words[Pick(story.words.size())]
                         : kCommonWords[Pick(kCommonWords.size())];
    }
    return out;
  }

  int count_;
  std::mt19937 random_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::atoi(argv[1]) <= 0) {
    std::fprintf(stderr, "usage: %s COUNT [SEED] > articles.jsonl\n", argv[0]);
    return 2;
  }
  const int count = std::atoi(argv[1]);
  Writer writer(count,
                argc > 2 ? static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10)) : 20261204);
  for (int i = 1; i <= count; ++i) {
    const std::string line = writer.Article(i);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
  }
  return 0;
}
