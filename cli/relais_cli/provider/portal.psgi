# LemonLDAP::NG's portal as one PSGI application, with the static files nginx would otherwise serve.
# Run by Starman (see dev_provider.py); LLNG_DEFAULTCONFFILE names the work directory's lemonldap-ng.ini.
use strict;
use Plack::Builder;
use Lemonldap::NG::Portal::Main;

my $portal = Lemonldap::NG::Portal::Main->run( {} );

builder {
    enable 'Static',
      path => qr{^/static/},
      root => '/usr/share/lemonldap-ng/portal/htdocs/';
    enable 'Static',
      path => sub { s{^/javascript/}{/} },
      root => '/usr/share/javascript/';
    $portal;
};
