using System.Globalization;
using System.Text;
using CstPortal.Common;
using CstPortal.Features.Admin;
using CstPortal.Features.Analytics;
using CstPortal.Features.Notifications;
using CstPortal.Features.Requests;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Features.Languages;

/// <summary>Arabic as data and as output: translated categories, emails in the recipient's language, the shaped PDF.</summary>
public class LanguageServiceTests : IAsyncLifetime
{
    private TestCity _city = default!;

    public async Task InitializeAsync() => _city = await TestCity.CreateAsync();
    public async Task DisposeAsync() => await _city.DisposeAsync();

    /// <summary>Runs work as a request in Arabic would (the UI culture flows through awaits).</summary>
    private static async Task<T> InArabic<T>(Func<Task<T>> work)
    {
        var (ui, fmt) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("ar");
        try { return await work(); }
        finally { (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, fmt); }
    }

    [Fact]
    public async Task The_report_form_offers_the_demo_categories_and_their_questions_in_arabic()
    {
        var categories = await InArabic(() => _city.Get<CitizenService>().CategoriesAsync());

        var pothole = Assert.Single(categories, c => c.Name == "حفرة في الطريق");
        Assert.Equal("الطرق", pothole.Group);
        var size = pothole.Questions.Single(q => q.Code == "size");
        Assert.Equal("ما حجمها؟", size.Prompt);
        Assert.Contains(("small", "أصغر من طبق"), size.Choices);
        Assert.All(categories, c => Assert.Matches(@"\p{IsArabic}", c.Name)); // all fifteen are translated
    }

    [Fact]
    public async Task An_admin_translates_a_category_and_a_blank_field_falls_back_to_english()
    {
        var admin = await _city.ActorAsync(Roles.Admin);
        var translations = _city.Get<TranslationService>();
        var graffiti = (await _city.Get<AdminService>().CategoriesAsync()).Single(c => c.ServiceCode == "graffiti");
        var edit = (await translations.CategoryAsync(graffiti.Id!.Value, "ar"))!;
        edit.Name = "رسوم على الجدران";
        edit.Description = "";
        edit.Questions.Single().Choices.Single(c => c.Key == "yes").Label = "أجل";

        Assert.True((await translations.SaveCategoryAsync(edit, admin)).Succeeded);

        var shown = (await InArabic(() => _city.Get<CitizenService>().CategoriesAsync())).Single(c => c.Id == graffiti.Id);
        Assert.Equal("رسوم على الجدران", shown.Name);
        Assert.Equal("Graffiti on public property", shown.Description);
        Assert.Contains(("yes", "أجل"), shown.Questions.Single().Choices);
        var english = (await _city.Get<CitizenService>().CategoriesAsync()).Single(c => c.Id == graffiti.Id);
        Assert.Equal("Graffiti", english.Name);
    }

    [Fact]
    public async Task Only_an_admin_translates_and_bad_input_changes_nothing()
    {
        var translations = _city.Get<TranslationService>();
        var id = (await _city.Get<AdminService>().CategoriesAsync()).First().Id!.Value;
        var edit = (await translations.CategoryAsync(id, "ar"))!;
        edit.Name = "اسم";

        var citizen = await translations.SaveCategoryAsync(edit, await _city.ActorAsync(Roles.Citizen));
        edit.Name = new string('x', 201);
        var tooLong = await translations.SaveCategoryAsync(edit, await _city.ActorAsync(Roles.Admin));

        Assert.False(citizen.Succeeded);
        Assert.False(tooLong.Succeeded);
        Assert.Contains("200", tooLong.Error);
        Assert.NotEqual("اسم", (await translations.CategoryAsync(id, "ar"))!.Name);
    }

    [Fact]
    public async Task A_status_email_is_written_in_the_recipients_chosen_language()
    {
        await using (var db = _city.Db())
            await db.Users.Where(u => u.Email == "citizen@riverton.example").ExecuteUpdateAsync(s => s.SetProperty(u => u.PreferredCulture, "ar"));
        await using (var db = _city.Db())
        {
            var citizenId = await db.Users.Where(u => u.Email == "citizen@riverton.example").Select(u => u.Id).SingleAsync();
            await Outbox.EnqueueAsync(db, _city.Clock.GetUtcNow().UtcDateTime, NotificationChannel.Email, NotificationTexts.StatusChanged,
                () => new Dictionary<string, string> { ["number"] = "CST-2026-000001", ["status"] = Texts.Get(CstPortal.Features.Workflow.RequestStatusExtensions.Label(CstPortal.Features.Workflow.RequestStatus.Resolved)) },
                recipientUserId: citizenId, deduplicationKey: "lang-test");
            await db.SaveChangesAsync();
        }

        await _city.Get<NotificationDispatcher>().DispatchDueAsync();

        var file = Directory.GetFiles(Path.Combine(_city.Directory, "mail"), "*.eml")
            .Single(f => File.ReadAllText(f).Contains("To: citizen@riverton.example"));
        var message = await MimeKit.MimeMessage.LoadAsync(file);
        Assert.Equal("طلبك CST-2026-000001 الآن: محلول", message.Subject);
        Assert.Contains("تغيّرت حالة طلبك", message.TextBody);
    }

    [Fact]
    public async Task An_admins_wording_replaces_the_built_in_one_and_unknown_placeholders_are_refused()
    {
        var admin = await _city.ActorAsync(Roles.Admin);
        var translations = _city.Get<TranslationService>();

        var bad = await translations.SaveNotificationAsync(NotificationTexts.Merged, "ar", "دمج {number}", "نص", admin);
        var good = await translations.SaveNotificationAsync(NotificationTexts.Merged, "ar", "دُمج {duplicate}", "تابع {master}.", admin);

        Assert.False(bad.Succeeded);
        Assert.Contains("{number}", bad.Error);
        Assert.True(good.Succeeded);
        await using var db = _city.Db();
        var (subject, body) = await NotificationTexts.RenderAsync(db, NotificationTexts.Merged, "ar",
            () => new Dictionary<string, string> { ["duplicate"] = "CST-1", ["master"] = "CST-2" }, default);
        Assert.Equal(("دُمج CST-1", "تابع CST-2."), (subject, body));
        var english = await NotificationTexts.RenderAsync(db, NotificationTexts.Merged, "en",
            () => new Dictionary<string, string> { ["duplicate"] = "CST-1", ["master"] = "CST-2" }, default);
        Assert.Equal("Your report CST-1 was merged into CST-2", english.Subject);
    }

    [Fact]
    public async Task The_arabic_pdf_report_is_shaped_and_reads_back_in_arabic()
    {
        var path = Path.Combine(_city.Directory, "report-ar.pdf");
        await InArabic(async () =>
        {
            await using var file = File.Create(path);
            await _city.Get<ExportService>().WriteSlaPdfAsync(new AnalyticsFilter(), file);
            return 0;
        });

        // Shaped Arabic comes back as presentation forms: NFKC folds them to the letters typed in the resources.
        var text = PdfText(path).Normalize(NormalizationForm.FormKC);
        Assert.Contains("الأرقام الرئيسية", text);                      // "Key figures"
        Assert.Contains("تقرير الالتزام بمستوى الخدمة", text);          // the title
    }

    [Fact]
    public async Task The_csv_export_has_headers_in_the_readers_language()
    {
        var csv = await InArabic(async () =>
        {
            using var buffer = new MemoryStream();
            await _city.Get<ExportService>().WriteCsvAsync(new AnalyticsFilter(), buffer);
            return Encoding.UTF8.GetString(buffer.ToArray()).TrimStart('\uFEFF');
        });

        var header = csv.Split('\n')[0].Trim();
        Assert.StartsWith("الرقم,الفئة,المنطقة,الفريق,الأولوية,الحالة,تاريخ الإنشاء (UTC)", header);
        Assert.Equal(19, header.Split(',').Length);
    }

    private static string PdfText(string path)
    {
        var start = new System.Diagnostics.ProcessStartInfo("pdftotext", [path, "-"]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text;
    }
}
