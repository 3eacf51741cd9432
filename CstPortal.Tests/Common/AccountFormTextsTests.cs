using System.ComponentModel.DataAnnotations;
using System.Reflection;
using CstPortal.Common;
using CstPortal.Components.Account;

namespace CstPortal.Tests.Common;

/// <summary>
/// The account forms' validation messages and field names come from <see cref="FormTexts"/>, which reads the resources
/// in the culture of the request: an attribute with an English literal (or the framework's English default) would
/// show English on an Arabic page.
/// </summary>
public class AccountFormTextsTests
{
    private static readonly BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    /// <summary>Every property of the form models of the account pages (the components' nested InputModel classes and the like).</summary>
    private static List<PropertyInfo> FormProperties() =>
        typeof(FormTexts).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("CstPortal.Components.Account", StringComparison.Ordinal) == true)
            .SelectMany(t => t.GetProperties(Declared))
            .Where(p => p.GetCustomAttributes<ValidationAttribute>().Any() || p.GetCustomAttribute<DisplayAttribute>() is not null)
            .ToList();

    [Fact]
    public void Every_validation_attribute_of_the_account_forms_takes_its_message_from_FormTexts()
    {
        var properties = FormProperties();
        var wrong = properties
            .SelectMany(p => p.GetCustomAttributes<ValidationAttribute>()
                .Where(a => a is not DataTypeAttribute) // says how to edit, never fails
                .Where(a => a.ErrorMessageResourceType != typeof(FormTexts) || a.ErrorMessageResourceName is null || a.ErrorMessage is not null)
                .Select(a => $"{p.DeclaringType!.DeclaringType?.Name ?? p.DeclaringType.Name}.{p.Name}: [{a.GetType().Name}]"))
            .ToList();

        Assert.True(properties.Count > 20, $"only {properties.Count} form fields found"); // the forms of Login, Register, Manage/...
        Assert.True(wrong.Count == 0, "Attributes without a FormTexts message:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void Every_validated_field_of_the_account_forms_has_its_name_from_FormTexts()
    {
        var wrong = FormProperties()
            .Where(p => p.GetCustomAttributes<ValidationAttribute>().Any(a => a is not DataTypeAttribute) || p.GetCustomAttribute<DisplayAttribute>() is not null)
            .Where(p => p.GetCustomAttribute<DisplayAttribute>() is not { ResourceType: var type } || type != typeof(FormTexts))
            .Select(p => $"{p.DeclaringType!.DeclaringType?.Name ?? p.DeclaringType.Name}.{p.Name}")
            .ToList();

        Assert.True(wrong.Count == 0, "Fields whose messages would name them in English:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void FormTexts_reads_the_culture_of_the_moment_and_every_text_has_an_arabic_translation()
    {
        var texts = typeof(FormTexts).GetProperties(BindingFlags.Public | BindingFlags.Static);

        var english = texts.ToDictionary(p => p.Name, p => Cultures.With("en", () => (string)p.GetValue(null)!));
        var arabic = texts.ToDictionary(p => p.Name, p => Cultures.With("ar", () => (string)p.GetValue(null)!));

        Assert.NotEmpty(texts);
        Assert.Equal("The {0} field is required.", english[nameof(FormTexts.Required)]);
        Assert.Equal("حقل {0} مطلوب.", arabic[nameof(FormTexts.Required)]);
        var untranslated = texts.Where(p => english[p.Name] == arabic[p.Name] || !arabic[p.Name].Any(c => c is >= '\u0600' and <= '\u06FF')).Select(p => p.Name).ToList();
        Assert.True(untranslated.Count == 0, "Not in Arabic: " + string.Join(", ", untranslated));
    }

    [Fact]
    public void A_model_validated_in_arabic_gets_arabic_messages_naming_its_fields_in_arabic()
    {
        var model = new PasswordForm { Password = "short", Confirm = "other" };

        var messages = Cultures.With("ar", () =>
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(model, new ValidationContext(model), results, validateAllProperties: true);
            return results.Select(r => r.ErrorMessage).ToList();
        });

        Assert.Contains("يجب أن يتراوح طول كلمة المرور بين 8 و256 من الأحرف.", messages);
        Assert.Contains("كلمة المرور وتأكيدها غير متطابقين.", messages);
    }

    private sealed class PasswordForm
    {
        [StringLength(256, MinimumLength = 8, ErrorMessageResourceType = typeof(FormTexts), ErrorMessageResourceName = nameof(FormTexts.LengthBetween))]
        [Display(Name = nameof(FormTexts.Password), ResourceType = typeof(FormTexts))]
        public string Password { get; set; } = "";

        [Compare(nameof(Password), ErrorMessageResourceType = typeof(FormTexts), ErrorMessageResourceName = nameof(FormTexts.PasswordsDiffer))]
        public string Confirm { get; set; } = "";
    }
}
