using System.Globalization;
using CstPortal.Data;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Common;

/// <summary>Identity's own errors (registration, password rules) come in the reader's language.</summary>
public sealed class LocalizedIdentityErrorsTests : IAsyncLifetime
{
    private TestCity _city = null!;
    public async Task InitializeAsync() => _city = await TestCity.CreateAsync();
    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Theory]
    [InlineData("en", "at least 8 characters", "There is already an account for")]
    [InlineData("ar", "8 أحرف على الأقل", "يوجد حساب بالفعل")]
    public async Task Registration_errors_are_in_the_language_of_the_page(string culture, string tooShort, string duplicate)
    {
        var (ui, current) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            await using var scope = _city.Scope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var shortPassword = await users.CreateAsync(new ApplicationUser { UserName = $"new-{culture}@example.org", Email = $"new-{culture}@example.org" }, "short");
            Assert.Contains(shortPassword.Errors, e => e.Code == nameof(IdentityErrorDescriber.PasswordTooShort) && e.Description.Contains(tooShort));
            Assert.Null(await users.FindByEmailAsync($"new-{culture}@example.org")); // refused: nothing stored

            var taken = await users.CreateAsync(new ApplicationUser { UserName = "citizen@riverton.example", Email = "citizen@riverton.example" }, "four unrelated words here");
            Assert.Contains(taken.Errors, e => e.Description.Contains(duplicate));
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, current);
        }
    }
}
