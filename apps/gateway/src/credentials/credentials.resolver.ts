import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Principal } from '@smartcity/platform-auth';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Permission } from '../auth/permissions';
import { Requires } from '../auth/requires.decorator';
import { Device, DeviceCredentialChange } from '../devices/device.models';
import { CertificateAuthority, DeviceCredentialInput } from './credential.models';
import { CredentialsService } from './credentials.service';

/** Device credentials and the tenant's X.509 CAs (tenant admins; issue 14 "Credentials per device"). */
@Resolver()
export class CredentialsResolver {
  constructor(private readonly credentials: CredentialsService) {}

  @Mutation(() => DeviceCredentialChange, {
    description:
      "Sets or rotates a device's credential (any kind replaces the old one). The ingest drops the registration " +
      'and session made with the old one at once; a generated PSK is in the result, once.',
  })
  @Requires(Permission.ManageCredentials)
  setDeviceCredential(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('credential', { type: () => DeviceCredentialInput }) credential: DeviceCredentialInput,
  ): Promise<DeviceCredentialChange> {
    return this.credentials.setDeviceCredential(principal, id, credential);
  }

  @Mutation(() => Device, {
    description:
      "Removes a device's credential: it is a NoSec device from now on (registers only where the tenant allows " +
      'NoSec); the ingest drops its registration and session at once.',
  })
  @Requires(Permission.ManageCredentials)
  removeDeviceCredential(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Device> {
    return this.credentials.removeDeviceCredential(principal, id);
  }

  @Query(() => [CertificateAuthority], {
    description: "The tenant's X.509 CAs: the certificates of its X509 devices chain to one of them.",
  })
  @Requires(Permission.ManageCredentials)
  certificateAuthorities(@CurrentPrincipal() principal: Principal): Promise<CertificateAuthority[]> {
    return this.credentials.certificateAuthorities(principal);
  }

  @Mutation(() => CertificateAuthority, {
    description:
      'Adds an X.509 CA (PEM, basicConstraints cA) to the tenant; adding it again changes nothing. At most 20.',
  })
  @Requires(Permission.ManageCredentials)
  addCertificateAuthority(
    @CurrentPrincipal() principal: Principal,
    @Args('pem', { type: () => String }) pem: string,
  ): Promise<CertificateAuthority> {
    return this.credentials.addCertificateAuthority(principal, pem);
  }

  @Mutation(() => Boolean, {
    description: "Removes one of the tenant's CAs: devices whose certificates chain only to it are refused.",
  })
  @Requires(Permission.ManageCredentials)
  removeCertificateAuthority(
    @CurrentPrincipal() principal: Principal,
    @Args('sha256', {
      type: () => String,
      description: 'SHA-256 of the CA certificate, hex (colons allowed).',
    })
    sha256: string,
  ): Promise<boolean> {
    return this.credentials.removeCertificateAuthority(principal, sha256);
  }
}
